#pragma once
// What the engine tells an observer (the live UI's metrics) at each batch end. The engine's only hook
// for live statistics: one call per view output and one per batch, made on the engine thread, so an
// observer must copy what it keeps and return quickly.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "host/sink/word_count.hpp"

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
  // A view emitted its output for batch `batch_ms`: its first records in output order, and how many
  // records it holds in all.
  virtual void view_output(std::int64_t batch_ms, std::string_view mode, std::span<const word_count> top,
                           std::size_t records) = 0;
  // The batch is closed, after its view outputs and checkpoint.
  virtual void batch_closed(const batch_stats& stats) = 0;
};

}  // namespace wcs
