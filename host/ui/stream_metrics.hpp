#pragma once
// The live view's registry: what the engine publishes at each batch end (batch_observer), kept for
// the HTTP thread to read. The engine thread takes the lock once per view output and once per batch,
// for a few copies; the HTTP thread takes it only to copy a snapshot. Nothing here waits for I/O.
#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/engine/batch_observer.hpp"
#include "host/sink/word_count.hpp"
#include "ingest/core/byte_source.hpp"

namespace wcs {

// What stays fixed for a run: shown by /api/v1/status.
struct stream_info {
  std::string source;  // "socket HOST:PORT", "file PATH"
  std::vector<std::string> modes;
  std::int64_t batch_ms = 0;
  std::uint64_t batch_lines = 0;  // 0: batches cut by time
};

struct view_top {
  std::string mode;
  std::int64_t batch_ms = 0;  // the batch of its last output
  std::size_t records = 0;
  std::vector<std::pair<std::string, std::uint64_t>> top;
};

// Upper bounds of the processing-time histogram, in seconds (its last bucket, +Inf, is implicit).
inline constexpr std::array<double, 12> processing_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,   0.25,   0.5,   1,    2.5,   10};

struct metrics_snapshot {
  stream_info info;
  std::uint64_t batches = 0, lines = 0, words = 0, bytes = 0, checkpoints = 0;
  std::size_t dictionary_words = 0;
  std::uint64_t resident_bytes = 0;  // of the process, when the snapshot was taken
  bool connected = false;
  std::uint64_t restarts = 0, received_bytes = 0;
  std::array<std::uint64_t, processing_buckets.size() + 1> processing_counts{};  // per bucket, not cumulative
  double processing_sum_s = 0;
  std::vector<batch_stats> recent;  // oldest first
  std::vector<view_top> views;
};

class stream_metrics final : public batch_observer {
 public:
  // `source` must outlive this object. `history`: how many recent batches are kept.
  stream_metrics(stream_info info, const source_counters& source, std::size_t history = 500);

  // A view's output for batch `batch_ms`: its first records in output order, and how many it holds.
  void view_output(std::int64_t batch_ms, std::string_view mode, std::span<const word_count> top, std::size_t records);
  void batch_closed(const batch_stats& stats) override;

  metrics_snapshot snapshot() const;

 private:
  const stream_info info_;
  const source_counters& source_;
  const std::size_t history_;

  mutable std::mutex mutex_;
  metrics_snapshot totals_;  // every field but info, the source's and recent
  std::deque<batch_stats> recent_;
};

}  // namespace wcs
