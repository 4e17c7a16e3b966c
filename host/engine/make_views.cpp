#include "host/engine/make_views.hpp"

#include <stdexcept>

#include "ingest/core/receiver.hpp"

namespace wcs {

view_setup make_views(const options& o) {
  view_setup setup;
  setup.first_batch_ms = o.start_ms >= 0 ? o.start_ms : first_batch_after(wall_clock_ms(), o.batch_ms);
  for (const auto& m : o.modes) {
    if (m == "stateless") {
      setup.views.push_back(std::make_unique<stateless_view>());
    } else {
      throw std::runtime_error("--mode " + m + " is not available yet");
    }
  }
  return setup;
}

}  // namespace wcs
