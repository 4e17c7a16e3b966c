#pragma once
// How the stream is cut into batches: by time (Spark's batch interval), or by line count.
#include <cstdint>

namespace wcs {

struct batch_policy {
  std::int64_t interval_ms = 10000;
  std::int64_t first_batch_ms = 0;     // time of the first batch
  std::uint64_t lines_per_batch = 0;   // 0: cut by time
};

// The first batch time of a stream started at wall clock `now_ms`: the first multiple of the interval
// strictly after it (Spark's RecurringTimer.getStartTime).
inline std::int64_t first_batch_after(std::int64_t now_ms, std::int64_t interval_ms) {
  return (now_ms / interval_ms + 1) * interval_ms;
}

}  // namespace wcs
