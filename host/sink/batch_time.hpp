#pragma once
#include <cstdint>
#include <string>

namespace wcs {

// The batch time as Python prints datetime.fromtimestamp(ms / 1000.0), in the process's local time
// zone (TZ): "2026-11-23 19:40:10", with ".500000" appended only for sub-second times.
std::string format_batch_time(std::int64_t batch_ms);

}  // namespace wcs
