#pragma once
// What the engine tells an observer (the live UI's metrics) at each batch end: the batch's statistics,
// once per batch on the engine thread, so an observer must copy what it keeps and return quickly. The
// views' outputs reach the UI as any output does, through a sink (host/ui/stream_metrics.hpp).
#include <cstddef>
#include <cstdint>

namespace wcs {

struct batch_stats {
  std::int64_t batch_ms = 0;
  std::uint64_t lines = 0;
  std::uint64_t words = 0;
  std::uint64_t distinct = 0;  // words of the batch's own table
  std::uint64_t bytes = 0;
  double processing_s = 0;
  double scheduling_delay_s = 0;
  std::size_t dictionary_words = 0;
  std::uint64_t checkpoints_written = 0;  // since start
};

class batch_observer {
 public:
  virtual ~batch_observer() = default;
  // The batch is closed, after its view outputs and checkpoint.
  virtual void batch_closed(const batch_stats& stats) = 0;
};

}  // namespace wcs
