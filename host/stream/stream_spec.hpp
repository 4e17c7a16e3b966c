#pragma once
// What a stream computes, as the command line (or any other front end) asks for it: the views, the
// batch time grid, the window and the checkpoint. The engine, the views and the checkpoint take this;
// none of them knows where it came from.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wcs {

enum class mode : std::uint8_t { stateless, stateful, window };

std::string_view mode_name(mode m);  // "stateless", "stateful", "window"
std::optional<mode> mode_named(std::string_view name);

// Distinct modes in the order they were asked for: the order of the outputs of each batch.
class mode_set {
 public:
  void add(mode m) {
    if (!has(m)) order_[size_++] = m;
  }
  bool has(mode m) const { return (bits() & bit(m)) != 0; }
  std::size_t size() const { return size_; }
  const mode* begin() const { return order_.data(); }
  const mode* end() const { return order_.data() + size_; }
  // Bit i is set for mode i: how a checkpoint records the set (their order does not matter there).
  std::uint32_t bits() const {
    std::uint32_t b = 0;
    for (const mode m : *this) b |= bit(m);
    return b;
  }
  static std::uint32_t bit(mode m) { return 1u << static_cast<unsigned>(m); }
  // "stateful,window"
  std::string names() const;

 private:
  std::array<mode, 3> order_{};
  std::size_t size_ = 0;
};

struct stream_spec {
  mode_set modes;
  std::int64_t batch_ms = 10000;
  std::int64_t window_ms = 20000;
  std::int64_t slide_ms = 10000;
  bool inverse = true;     // window: add the entering batch and subtract the leaving one (invFunc)
  bool keep_zero = false;  // window with inverse: keep words whose windowed count fell to 0
  std::size_t num = 10;    // records pprint shows
  std::string checkpoint_dir;                  // empty: no checkpoint
  std::int64_t checkpoint_every_ms = 10000;    // a multiple of batch_ms
  std::int64_t start_ms = -1;                  // first batch time; -1: from the wall clock
};

}  // namespace wcs
