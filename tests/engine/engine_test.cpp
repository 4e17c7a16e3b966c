// The scheduler's own guarantees, apart from the views: a batch whose input turned out unreadable
// after it was cut into chunks (a mapped file that shrank) is not emitted; the dictionary is compacted
// only when it outgrows what the stream keeps using.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>

#include "host/backend/backend.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/make_views.hpp"
#include "host/sink/pprint_sink.hpp"

namespace wcs {
namespace {

void push_batch(event_queue& events, chunk_ring& ring, const std::string& text, std::int64_t batch_ms) {
  host_buffer* buffer = ring.acquire();
  std::memcpy(buffer->data(), text.data(), text.size());
  events.push({ingest_event::kind::chunk, buffer, buffer->data(), text.size(), 1, 0, std::chrono::steady_clock::now()});
  events.push({ingest_event::kind::batch_end, nullptr, nullptr, 0, 0, batch_ms, std::chrono::steady_clock::now()});
}

// Lines holding <letter>0 .. <letter><n-1>, then <letter>0 again: n + 1 words, n distinct, the first
// counted twice so it leads pprint.
std::string many_words(int n, char letter = 'w') {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += letter;
    text += std::to_string(i);
    text += i % 10 == 9 ? '\n' : ' ';
  }
  return text + letter + "0\n";
}

// What the engine prints, kept in memory: printed() closes the stream and returns it.
class memory_output {
 public:
  memory_output() : out_(::open_memstream(&text_, &bytes_)) {}
  ~memory_output() {
    if (out_ != nullptr) std::fclose(out_);
    std::free(text_);
  }
  std::FILE* file() const { return out_; }
  std::string printed() {
    std::fclose(out_);  // text_ then holds everything written
    out_ = nullptr;
    return std::string(text_, bytes_);
  }

 private:
  char* text_ = nullptr;
  std::size_t bytes_ = 0;
  std::FILE* out_;
};

stream_spec stateless() {
  stream_spec o;
  o.modes.add(mode::stateless);
  return o;
}

// An engine with the views `o` asks for (stateless by default), its first batch at 10 s, printing into
// `output`.
engine engine_printing_to(backend& cpu, memory_output& output, stream_spec o = stateless(), std::function<void()> check_input = {}) {
  o.start_ms = 10000;
  engine_config config;
  config.sinks.push_back(std::make_unique<pprint_sink>(output.file(), o.num));
  config.check_input = std::move(check_input);
  return engine(cpu, make_views(o, cpu), std::move(config));
}

TEST(Engine, BatchWhoseInputTurnedOutUnreadableIsNotEmitted) {
  auto cpu = make_backend(backend_kind::cpu);
  memory_output output;
  ASSERT_NE(output.file(), nullptr);
  int checks = 0;
  engine eng = engine_printing_to(*cpu, output, stateless(), [&checks] {
    if (++checks == 2) throw std::runtime_error("input lost");
  });
  chunk_ring ring(4, 64);
  event_queue events;
  push_batch(events, ring, "good words\n", 10000);
  push_batch(events, ring, "zeroed\n", 20000);
  events.push({ingest_event::kind::finished});
  EXPECT_THROW(eng.run(events, ring), std::runtime_error);
  const std::string printed = output.printed();
  EXPECT_NE(printed.find("('good', 1)"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("zeroed"), std::string::npos) << printed;
  EXPECT_EQ(eng.totals().batches, 1u);
}

// A stateless stream whose batches each hold the same words, more than the first compaction threshold
// (65,536): the first compaction cannot know yet that the stream reuses its words and empties the
// dictionary; from the second batch on the batch just closed keeps its words, compacting would drop
// nothing, and the dictionary is not renumbered again (it was after every batch before). The counts
// stay right.
TEST(Engine, StatelessBatchesWithManyWordsKeepTheirDictionary) {
  auto cpu = make_backend(backend_kind::cpu);
  memory_output output;
  ASSERT_NE(output.file(), nullptr);
  engine eng = engine_printing_to(*cpu, output);
  const std::string text = many_words(70000);
  chunk_ring ring(4, text.size());
  event_queue events;
  constexpr int batches = 4;
  for (int b = 1; b <= batches; ++b) push_batch(events, ring, text, 10000 * b);
  events.push({ingest_event::kind::finished});
  eng.run(events, ring);
  const std::string printed = output.printed();
  EXPECT_EQ(eng.totals().compactions, 1u);
  EXPECT_EQ(eng.totals().words, std::uint64_t{batches} * 70001);
  // Each batch counted all its words again: w0, counted twice, leads every batch's records.
  const std::regex first_record(R"(\('w0', 2\)\n)");
  EXPECT_EQ(std::distance(std::sregex_iterator(printed.begin(), printed.end(), first_record), std::sregex_iterator()), batches)
      << printed;
}

// A stateless stream whose vocabulary moves on (each batch's words are new): carrying them would only
// grow the dictionary and the worker tables, so every compaction drops them all.
TEST(Engine, StatelessBatchesWithNewWordsStartEmpty) {
  auto cpu = make_backend(backend_kind::cpu);
  memory_output output;
  ASSERT_NE(output.file(), nullptr);
  engine eng = engine_printing_to(*cpu, output);
  const std::string texts[] = {many_words(70000, 'a'), many_words(70000, 'b'), many_words(70000, 'c')};
  chunk_ring ring(4, texts[0].size());
  event_queue events;
  for (int b = 0; b < 3; ++b) push_batch(events, ring, texts[b], 10000 * (b + 1));
  events.push({ingest_event::kind::finished});
  eng.run(events, ring);
  const std::string printed = output.printed();
  EXPECT_EQ(eng.totals().compactions, 3u);
  for (const char* first : {"('a0', 2)", "('b0', 2)", "('c0', 2)"}) EXPECT_NE(printed.find(first), std::string::npos) << first;
}

// A stateful stream keeps every word, so reaching the threshold drops nothing: the dictionary is not
// renumbered (which would void every id the backend caches), and the totals stay right.
TEST(Engine, CompactionThatWouldDropNothingIsSkipped) {
  auto cpu = make_backend(backend_kind::cpu);
  memory_output output;
  ASSERT_NE(output.file(), nullptr);
  stream_spec o;
  o.modes.add(mode::stateful);
  o.checkpoint_dir = ::testing::TempDir() + "wcs-engine-compaction";
  std::filesystem::remove_all(o.checkpoint_dir);
  engine eng = engine_printing_to(*cpu, output, o);
  const std::string text = many_words(70000);
  chunk_ring ring(4, text.size());
  event_queue events;
  for (int b = 1; b <= 2; ++b) push_batch(events, ring, text, 10000 * b);
  events.push({ingest_event::kind::finished});
  eng.run(events, ring);
  const std::string printed = output.printed();
  std::filesystem::remove_all(o.checkpoint_dir);
  EXPECT_EQ(eng.totals().compactions, 0u);
  EXPECT_NE(printed.find("('w0', 4)"), std::string::npos) << printed.substr(0, 2000);
}

}  // namespace
}  // namespace wcs
