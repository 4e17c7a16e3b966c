#pragma once
// The checkpoint directory: locked for this process (two engines must not interleave checkpoints),
// written atomically and durably (a hidden temporary file, fsynced, renamed into place, the directory
// fsynced), rotated to the two newest files, so a crash during a write always leaves a good one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/checkpoint/checkpoint_format.hpp"

namespace wcs {

// The checkpoint directory, locked for this process (two engines must not interleave checkpoints).
class checkpoint_store {
 public:
  // Creates the directory when missing and removes temporary files a crash left. Throws
  // std::runtime_error when it cannot be created or another process holds it.
  explicit checkpoint_store(std::string dir);
  checkpoint_store(checkpoint_store&& other) noexcept;
  checkpoint_store& operator=(checkpoint_store&&) = delete;
  ~checkpoint_store();

  // Atomically and durably writes checkpoint-<last_batch_ms>.wcs, then removes all but the two newest.
  // Throws std::runtime_error naming the file and the system error (e.g. no space left on device).
  void write(std::int64_t last_batch_ms, std::string_view bytes);

  // The newest valid checkpoint; when newer files are invalid, warns, moves them aside (*.corrupt) and
  // uses the previous one. nullopt when there is none; throws std::runtime_error when checkpoint files
  // exist but none is valid.
  std::optional<checkpoint_state> load();

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int lock_fd_ = -1;
};

}  // namespace wcs
