#include "host/ui/stream_metrics.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace wcs {
namespace {

std::uint64_t resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

stream_metrics::stream_metrics(stream_info info, const source_counters& source, std::size_t history)
    : info_(std::move(info)), source_(source), history_(history) {
  for (const auto& mode : info_.modes) totals_.views.push_back({mode, 0, 0, {}});
}

void stream_metrics::view_output(std::int64_t batch_ms, std::string_view mode, std::span<const word_count> top, std::size_t records) {
  std::vector<std::pair<std::string, std::uint64_t>> copy;
  copy.reserve(top.size());
  for (const word_count& r : top) copy.emplace_back(r.word, r.count);
  std::lock_guard lock(mutex_);
  for (view_top& v : totals_.views) {
    if (v.mode != mode) continue;
    v.batch_ms = batch_ms;
    v.records = records;
    v.top.swap(copy);
  }
}

void stream_metrics::batch_closed(const batch_stats& stats) {
  const auto bucket = std::lower_bound(processing_buckets.begin(), processing_buckets.end(), stats.processing_s) -
                      processing_buckets.begin();
  std::lock_guard lock(mutex_);
  ++totals_.batches;
  totals_.lines += stats.lines;
  totals_.words += stats.words;
  totals_.bytes += stats.bytes;
  totals_.checkpoints = stats.checkpoints_written;
  totals_.dictionary_words = stats.dictionary_words;
  ++totals_.processing_counts[static_cast<std::size_t>(bucket)];
  totals_.processing_sum_s += stats.processing_s;
  if (recent_.size() == history_) recent_.pop_front();
  recent_.push_back(stats);
}

metrics_snapshot stream_metrics::snapshot() const {
  metrics_snapshot s;
  {
    std::lock_guard lock(mutex_);
    s = totals_;
    s.recent.assign(recent_.begin(), recent_.end());
  }
  s.info = info_;
  s.connected = source_.connected.load(std::memory_order_relaxed);
  s.restarts = source_.restarts.load(std::memory_order_relaxed);
  s.received_bytes = source_.bytes.load(std::memory_order_relaxed);
  s.resident_bytes = resident_memory_bytes();
  return s;
}

}  // namespace wcs
