#pragma once
// The stream's batch time grid, in one place (Spark's zeroTime and batch interval): batches are at
// zero_ms + k * batch_ms for k >= 1, and every period counted on the grid (a window's slide, the
// checkpoint interval) ends where (t - zero_ms) is a multiple of it. The receiver cuts batches on it,
// the window view outputs on it, the checkpointer writes on it.
#include <cstdint>

namespace wcs {

// Milliseconds since the epoch, from the system clock.
std::int64_t wall_clock_ms();

struct batch_clock {
  std::int64_t batch_ms = 10000;
  std::int64_t zero_ms = 0;  // the first batch time minus the batch interval

  // A fresh stream started at wall clock `now_ms`: its first batch is the first multiple of the
  // interval strictly after it (Spark's RecurringTimer.getStartTime).
  static batch_clock started_at(std::int64_t now_ms, std::int64_t batch_ms) {
    return first_batch_at((now_ms / batch_ms + 1) * batch_ms, batch_ms);
  }
  static batch_clock first_batch_at(std::int64_t first_ms, std::int64_t batch_ms) { return {batch_ms, first_ms - batch_ms}; }

  std::int64_t first_batch_ms() const { return zero_ms + batch_ms; }
  std::int64_t next_batch_ms(std::int64_t batch_time_ms) const { return batch_time_ms + batch_ms; }
  // Whether a period of `period_ms` (a multiple of the batch interval) ends at batch `batch_time_ms`.
  bool period_ends(std::int64_t batch_time_ms, std::int64_t period_ms) const {
    return (batch_time_ms - zero_ms) % period_ms == 0;
  }
};

// Spark's default checkpoint interval: the smallest multiple of the batch interval that is >= 10 s.
constexpr std::int64_t default_checkpoint_interval_ms(std::int64_t batch_ms) {
  constexpr std::int64_t ten_s = 10000;
  return (ten_s + batch_ms - 1) / batch_ms * batch_ms;
}

}  // namespace wcs
