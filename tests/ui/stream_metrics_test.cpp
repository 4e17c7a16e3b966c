// The live view's registry and its two renderings, without a server: what the engine publishes comes
// out in /metrics and the JSON API, the history is bounded, and words are escaped as JSON needs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string>

#include "host/ui/exposition.hpp"
#include "host/ui/json_api.hpp"
#include "host/ui/stream_metrics.hpp"

namespace wcs {
namespace {

batch_stats batch(std::int64_t ms, std::uint64_t lines, double processing_s) {
  batch_stats b;
  b.batch_ms = ms;
  b.lines = lines;
  b.words = 2 * lines;
  b.distinct = 3;
  b.bytes = 10 * lines;
  b.processing_s = processing_s;
  b.scheduling_delay_s = 0.5;
  b.dictionary_words = 7;
  return b;
}

TEST(StreamMetrics, KeepsTheLastBatchesAndEveryTotal) {
  source_counters source;
  stream_metrics metrics({"file x", {"stateless"}, 1000, 0}, source, 3);
  for (int i = 0; i < 5; ++i) metrics.batch_closed(batch(1000 * i, 10, 0.002));
  const metrics_snapshot s = metrics.snapshot();
  EXPECT_EQ(s.batches, 5u);
  EXPECT_EQ(s.lines, 50u);
  ASSERT_EQ(s.recent.size(), 3u);
  EXPECT_EQ(s.recent.front().batch_ms, 2000);
  EXPECT_EQ(s.recent.back().batch_ms, 4000);
}

TEST(Exposition, CountersGaugesAndACumulativeHistogram) {
  source_counters source;
  source.connected = true;
  source.restarts = 2;
  stream_metrics metrics({"socket h:1", {"stateless"}, 1000, 0}, source);
  metrics.batch_closed(batch(1000, 4, 0.0005));
  metrics.batch_closed(batch(2000, 6, 0.03));
  metrics.batch_closed(batch(3000, 1, 20));  // beyond the last bound: only +Inf holds it
  const std::string text = prometheus_text(metrics.snapshot());
  for (const char* line : {"wcstream_lines_total 11\n", "wcstream_batches_total 3\n", "wcstream_receiver_restarts_total 2\n",
                           "wcstream_receiver_connected 1\n", "wcstream_scheduling_delay_seconds 0.5\n",
                           "wcstream_batch_processing_seconds_bucket{le=\"0.001\"} 1\n",
                           "wcstream_batch_processing_seconds_bucket{le=\"0.05\"} 2\n",
                           "wcstream_batch_processing_seconds_bucket{le=\"10\"} 2\n",
                           "wcstream_batch_processing_seconds_bucket{le=\"+Inf\"} 3\n",
                           "wcstream_batch_processing_seconds_count 3\n", "# TYPE wcstream_lines_total counter\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " missing from\n" << text;
  }
}

TEST(JsonApi, ViewsTopWordsAreEscaped) {
  source_counters source;
  stream_metrics metrics({"file x", {"stateless", "window"}, 500, 0}, source);
  const std::array<word_count, 2> top{{{"\"quoted\"\\", 3}, {"tab\there", 1}}};
  metrics.view_output(1500, "window", top, 42);
  metrics.batch_closed(batch(1500, 5, 0.001));
  const auto status = nlohmann::json::parse(status_json(metrics.snapshot()));
  EXPECT_EQ(status["views"][0]["mode"], "stateless");
  EXPECT_TRUE(status["views"][0]["top"].empty());
  EXPECT_EQ(status["views"][1]["records"], 42);
  EXPECT_EQ(status["views"][1]["batch_ms"], 1500);
  EXPECT_EQ(status["views"][1]["top"][0][0], "\"quoted\"\\");
  EXPECT_EQ(status["views"][1]["top"][1][0], "tab\there");
  const auto batches = nlohmann::json::parse(batches_json(metrics.snapshot()));
  ASSERT_EQ(batches["batches"].size(), 1u);
  EXPECT_EQ(batches["batches"][0]["lines"], 5);
  EXPECT_DOUBLE_EQ(batches["batches"][0]["total_delay_ms"].get<double>(), 501);
}

}  // namespace
}  // namespace wcs
