#include "host/ui/exposition.hpp"

#include <fmt/format.h>

#include <iterator>

namespace wcs {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <class T>
void sample(std::string& out, std::string_view name, T value) {
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

}  // namespace

std::string prometheus_text(const metrics_snapshot& s) {
  std::string out;
  const auto counter = [&](std::string_view name, std::string_view help, std::uint64_t value) {
    family(out, name, "counter", help);
    sample(out, name, value);
  };
  const auto gauge = [&](std::string_view name, std::string_view help, auto value) {
    family(out, name, "gauge", help);
    sample(out, name, value);
  };
  counter("wcstream_lines_total", "Lines counted, in closed batches.", s.lines);
  counter("wcstream_words_total", "Words counted, in closed batches.", s.words);
  counter("wcstream_bytes_total", "Bytes counted, in closed batches.", s.bytes);
  counter("wcstream_batches_total", "Batches closed.", s.batches);
  counter("wcstream_receiver_bytes_total", "Bytes the receiver read from its source.", s.received_bytes);
  counter("wcstream_receiver_restarts_total", "Receiver restarts (connection refused or closed).", s.restarts);
  counter("wcstream_checkpoints_written_total", "Checkpoints written.", s.checkpoints);
  gauge("wcstream_receiver_connected", "1 while the receiver is connected to its source.", s.connected ? 1 : 0);
  const batch_stats last = s.recent.empty() ? batch_stats{} : s.recent.back();
  gauge("wcstream_scheduling_delay_seconds", "Scheduling delay of the last batch.", last.scheduling_delay_s);
  gauge("wcstream_processing_time_seconds", "Processing time of the last batch.", last.processing_s);
  gauge("wcstream_last_batch_time_seconds", "Batch time of the last batch, since the epoch.", last.batch_ms / 1e3);
  gauge("wcstream_dictionary_words", "Words in the engine's dictionary.", s.dictionary_words);
  gauge("wcstream_resident_memory_bytes", "Resident memory of the process.", s.resident_bytes);

  family(out, "wcstream_view_distinct_keys", "gauge", "Records in each view's last output.");
  for (const view_top& v : s.views) {
    fmt::format_to(std::back_inserter(out), "wcstream_view_distinct_keys{{view=\"{}\"}} {}\n", v.mode, v.records);
  }

  constexpr std::string_view hist = "wcstream_batch_processing_seconds";
  family(out, hist, "histogram", "Processing time of each batch.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < processing_buckets.size(); ++i) {
    cumulative += s.processing_counts[i];
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", hist, processing_buckets[i], cumulative);
  }
  cumulative += s.processing_counts.back();
  fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", hist, cumulative, hist,
                 s.processing_sum_s, hist, cumulative);
  return out;
}

}  // namespace wcs
