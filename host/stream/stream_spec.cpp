#include "host/stream/stream_spec.hpp"

namespace wcs {
namespace {

constexpr std::array<std::string_view, 3> names{"stateless", "stateful", "window"};

}  // namespace

std::string_view mode_name(mode m) { return names[static_cast<std::size_t>(m)]; }

std::optional<mode> mode_named(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<mode>(i);
  }
  return std::nullopt;
}

std::string mode_set::names() const {
  std::string s;
  for (const mode m : *this) {
    if (!s.empty()) s += ',';
    s += mode_name(m);
  }
  return s;
}

}  // namespace wcs
