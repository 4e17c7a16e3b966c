// The receiver cuts a byte stream into chunks of whole lines and batches: no byte lost or repeated,
// lines counted as BufferedReader.readLine sees them, chunks never spanning two connections.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "ingest/core/line_scanner.hpp"
#include "ingest/core/receiver.hpp"
#include "kernels/tokenize/tokenize.hpp"
#include "tests/ingest/scripted_source.hpp"

namespace wcs {
namespace {

// A file held in memory as a whole, as a memory-mapped file_source is. consumed() must never reach
// into a chunk the engine has not released yet.
class mapped_source final : public byte_source {
 public:
  explicit mapped_source(std::string text) : text_(std::move(text)) {}
  read_result read(std::span<std::uint8_t>, steady_time) override { return {read_status::finished}; }
  std::span<const std::uint8_t> mapped() const override {
    return {reinterpret_cast<const std::uint8_t*>(text_.data()), text_.size()};
  }
  void consumed(const std::uint8_t* end) override {
    EXPECT_LE(end, released_end.load()) << "pages dropped under the engine";
    EXPECT_GE(end, consumed_end) << "consumed() went backwards";
    consumed_end = end;
  }
  std::atomic<const std::uint8_t*> released_end{nullptr};  // end of the chunks the engine released
  const std::uint8_t* consumed_end = nullptr;

 private:
  std::string text_;
};

struct batch {
  std::vector<std::string> chunks;
  std::uint64_t lines = 0;
  std::int64_t batch_ms = 0;
};

std::vector<batch> run_source(byte_source& source, std::uint64_t lines_per_batch, std::size_t buffer_bytes) {
  auto* mapped = dynamic_cast<mapped_source*>(&source);
  chunk_ring ring(4, buffer_bytes);
  event_queue events;
  receiver rx(source, ring, events, batch_policy{batch_clock::first_batch_at(5000, 1000), 5000, lines_per_batch});
  rx.start();
  std::vector<batch> out(1);
  for (;;) {
    const ingest_event e = events.pop();
    if (e.what == ingest_event::kind::finished) break;
    if (e.what == ingest_event::kind::chunk) {
      out.back().chunks.emplace_back(reinterpret_cast<const char*>(e.data), e.bytes);
      out.back().lines += e.lines;
      if (mapped != nullptr) mapped->released_end.store(e.data + e.bytes);
      ring.release(e.buffer);
    } else {
      out.back().batch_ms = e.batch_ms;
      out.emplace_back();
    }
  }
  rx.join();
  EXPECT_TRUE(rx.error().empty()) << rx.error();
  out.pop_back();  // the open (empty) batch after the last batch end
  return out;
}

std::vector<batch> run(std::vector<std::string> reads, std::uint64_t lines_per_batch, std::size_t buffer_bytes = 64) {
  scripted_source source(std::move(reads));
  return run_source(source, lines_per_batch, buffer_bytes);
}

std::string joined(const std::vector<batch>& batches) {
  std::string all;
  for (const auto& b : batches)
    for (const auto& c : b.chunks) all += c;
  return all;
}

TEST(LineScanner, CountsLinesAsReadLineDoes) {
  line_scanner s;
  const std::string text = "a\nb\rc\r\nd";
  const auto r = s.scan(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), ~0ull);
  EXPECT_EQ(r.lines, 3u);
  EXPECT_EQ(r.last_end, 7u);
}

TEST(LineScanner, CrLfSplitAcrossReadsIsOneLineEnd) {
  line_scanner s;
  const std::string a = "x\r", b = "\ny\n";
  EXPECT_EQ(s.scan(reinterpret_cast<const std::uint8_t*>(a.data()), a.size(), ~0ull).lines, 1u);
  EXPECT_EQ(s.scan(reinterpret_cast<const std::uint8_t*>(b.data()), b.size(), ~0ull).lines, 1u);
}

TEST(Receiver, BatchesByLineCountCutExactly) {
  const auto batches = run({"l1\nl2\nl", "3\nl4\nl5\n", "l6\nl7"}, 3);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].lines, 3u);
  EXPECT_EQ(batches[1].lines, 3u);
  EXPECT_EQ(batches[2].lines, 1u);  // the last line has no terminator: complete at EOF
  EXPECT_EQ(joined({batches[0]}), "l1\nl2\nl3\n");
  EXPECT_EQ(batches[0].batch_ms, 5000);
  EXPECT_EQ(batches[1].batch_ms, 6000);
  EXPECT_EQ(batches[2].batch_ms, 7000);
  EXPECT_EQ(joined(batches), "l1\nl2\nl3\nl4\nl5\nl6\nl7");
}

TEST(Receiver, ChunksEndAtLineEnds) {
  std::vector<std::string> reads;
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    const std::string line = "word" + std::to_string(i) + (i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\r" : "\n");
    expected += line;
    reads.push_back(line.substr(0, 3));
    reads.push_back(line.substr(3));
  }
  const auto batches = run(reads, 1000, 64);
  std::uint64_t lines = 0;
  for (const auto& b : batches) {
    lines += b.lines;
    for (const auto& c : b.chunks) {
      ASSERT_FALSE(c.empty());
      EXPECT_TRUE(c.back() == '\n' || c.back() == '\r') << c;
    }
  }
  EXPECT_EQ(lines, 200u);
  EXPECT_EQ(joined(batches), expected);
}

TEST(Receiver, ConnectionEndCompletesTheLineAndSplitsChunks) {
  // "ab" ends a connection without a line end; "cd" starts the next one: two lines, two words.
  const auto batches = run({"ab", "", "cd\n"}, 1000);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].lines, 2u);
  ASSERT_EQ(batches[0].chunks.size(), 2u);
  EXPECT_EQ(batches[0].chunks[0], "ab");
  EXPECT_EQ(batches[0].chunks[1], "cd\n");
}

TEST(Receiver, LineLongerThanTheBufferIsKeptWhole) {
  std::string line;
  for (int i = 0; i < 100; ++i) line += "w" + std::to_string(i) + " ";
  line += "\nnext\n";
  const auto batches = run({line}, 1000, 64);
  EXPECT_EQ(joined(batches), line);
  std::uint64_t lines = 0;
  for (const auto& b : batches) {
    lines += b.lines;
    for (const auto& c : b.chunks) EXPECT_TRUE(c.back() == ' ' || c.back() == '\n') << "a word was split: " << c;
  }
  EXPECT_EQ(lines, 2u);
}

// A mapped file is cut in place into the same batches as the same bytes read from a stream, and its
// pages are given back only behind the engine.
TEST(Receiver, MappedSourceBatchesLikeAStream) {
  std::mt19937_64 rng(7);
  const std::string pieces[] = {"word", " ", "\n", "\r", "\r\n", "longerword", "\t"};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const std::size_t parts = rng() % 400;
    for (std::size_t i = 0; i < parts; ++i) text += pieces[rng() % std::size(pieces)];
    if (rng() % 4 == 0) text += std::string(150, 'x');  // a word longer than the buffer
    const std::uint64_t lines_per_batch = rng() % 3 == 0 ? 0 : 1 + rng() % 20;
    const std::size_t buffer_bytes = 16 + rng() % 100;
    mapped_source mapped(text);
    const auto got = run_source(mapped, lines_per_batch == 0 ? 1000000 : lines_per_batch, buffer_bytes);
    std::vector<std::string> reads;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t n = 1 + rng() % 40;
      reads.push_back(text.substr(at, n));
      at += n;
    }
    const auto want = run(reads, lines_per_batch == 0 ? 1000000 : lines_per_batch, buffer_bytes);
    ASSERT_EQ(got.size(), want.size()) << ::testing::PrintToString(text);
    for (std::size_t b = 0; b < got.size(); ++b) {
      EXPECT_EQ(joined({got[b]}), joined({want[b]})) << "batch " << b << " of " << ::testing::PrintToString(text);
      EXPECT_EQ(got[b].lines, want[b].lines) << "batch " << b;
    }
    EXPECT_EQ(joined(got), text);
  }
}

// A line that fills the buffer exactly, its last byte whitespace (or a word that fills it), still
// counts once when the connection ends right after it.
TEST(Receiver, LineCutByAFullBufferCountsAtConnectionEnd) {
  for (const std::string& line : {std::string(63, 'a') + " ", std::string(64, 'a'), std::string(100, 'a')}) {
    mapped_source mapped(line);
    for (const auto& batches : {run({line, ""}, 1000, 64), run_source(mapped, 1000, 64)}) {
      std::uint64_t lines = 0;
      for (const auto& b : batches) lines += b.lines;
      EXPECT_EQ(lines, 1u) << line.size() << " bytes";
      EXPECT_EQ(joined(batches), line);
    }
  }
}

// A word longer than the buffer is cut at a UTF-8 unit boundary, from a stream and from a mapping.
TEST(Receiver, WordLongerThanTheBufferIsCutBetweenUnits) {
  std::string word;
  for (int i = 0; i < 100; ++i) word += i % 3 == 0 ? "\xE2\x82\xAC" : "\xC3\xA9";
  const std::string text = word + "\n";
  mapped_source mapped(text);
  for (const auto& batches : {run({text}, 1000, 61), run_source(mapped, 1000, 61)}) {
    EXPECT_EQ(joined(batches), text);
    for (const auto& b : batches) {
      for (const auto& c : b.chunks) {
        EXPECT_FALSE(is_continuation(static_cast<std::uint8_t>(c.front()))) << "a chunk starts inside a unit";
        const std::string full = c.back() == '\n' ? c.substr(0, c.size() - 1) : c;
        EXPECT_EQ(repaired_length(reinterpret_cast<const std::uint8_t*>(full.data()), full.size()), full.size())
            << "a chunk ends inside a unit";
      }
    }
  }
}

TEST(BatchClock, FirstBatchAfterStart) {
  EXPECT_EQ(batch_clock::started_at(1000, 1000).first_batch_ms(), 2000);
  EXPECT_EQ(batch_clock::started_at(1999, 1000).first_batch_ms(), 2000);
  EXPECT_EQ(batch_clock::started_at(12345, 500).first_batch_ms(), 12500);
  EXPECT_EQ(batch_clock::started_at(12345, 500).zero_ms, 12000);
}

TEST(BatchClock, PeriodsEndOnTheGrid) {
  const batch_clock clock = batch_clock::first_batch_at(5000, 1000);  // zero time 4000
  EXPECT_EQ(clock.next_batch_ms(5000), 6000);
  EXPECT_TRUE(clock.period_ends(6000, 2000));
  EXPECT_FALSE(clock.period_ends(5000, 2000));
  EXPECT_TRUE(clock.period_ends(5000, 1000));
}

TEST(BatchClock, DefaultCheckpointIntervalIsSparks) {
  EXPECT_EQ(default_checkpoint_interval_ms(200), 10000);
  EXPECT_EQ(default_checkpoint_interval_ms(3000), 12000);
  EXPECT_EQ(default_checkpoint_interval_ms(10000), 10000);
  EXPECT_EQ(default_checkpoint_interval_ms(15000), 15000);
}

}  // namespace
}  // namespace wcs

namespace wcs {
namespace {

// readLine's rule, one byte at a time: what a scan of s from a stream state (after_cr) must return.
line_scan_result scan_by_bytes(const std::string& s, std::uint64_t limit, bool after_cr) {
  line_scan_result r{0, 0, s.size()};
  bool cr = after_cr;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char b = s[i];
    if (b != '\n' && b != '\r') {
      cr = false;
      continue;
    }
    const bool cont = b == '\n' && cr;
    cr = b == '\r';
    r.last_end = i + 1;
    if (!cont && ++r.lines == limit) {
      r.stopped_at = i + 1;
      break;
    }
  }
  return r;
}

// Scans s with every SIMD form of the line scanner and compares with scan_by_bytes.
void expect_scan_by_bytes(const std::string& s, std::uint64_t limit, bool after_cr) {
  const line_scan_result want = scan_by_bytes(s, limit, after_cr);
  for (const auto& impl : simd::supported()) {
    line_scanner scanner(impl);
    if (after_cr) {  // put the scanner in the state of a stream whose last byte was '\r'
      const std::uint8_t r = '\r';
      scanner.scan(&r, 1, ~0ull);
    }
    const auto got = scanner.scan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), limit);
    const std::string what = std::string(impl.name) + " size " + std::to_string(s.size()) + " limit " + std::to_string(limit);
    ASSERT_EQ(got.lines, want.lines) << what << " " << (s.size() < 300 ? ::testing::PrintToString(s) : "");
    ASSERT_EQ(got.last_end, want.last_end) << what;
    ASSERT_EQ(got.stopped_at, want.stopped_at) << what;
  }
}

// Short inputs with dense line ends: every block goes through the masks.
TEST(LineScanner, RandomInputsMatchByteRule) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 200, 'a');
    for (auto& c : s) c = "ab\r\n"[rng() % 4];
    ASSERT_NO_FATAL_FAILURE(expect_scan_by_bytes(s, 1 + rng() % 40, rng() % 2 != 0));
  }
}

// Long inputs with sparse line ends: the scanner only counts runs of blocks without '\r' that stay
// short of the limit, so the limit, a '\r' and the last line end may fall in a counted run, in a
// scanned block, at any edge between them, or in the short tail.
TEST(LineScanner, LongInputsWithSparseLineEndsMatchByteRule) {
  std::mt19937_64 rng(12);
  for (int round = 0; round < 600; ++round) {
    std::string s(rng() % 12000, 'a');
    const std::size_t one_in = 1 + rng() % 300;
    const bool with_cr = round % 3 == 0;
    for (auto& c : s) {
      if (rng() % one_in == 0) c = with_cr && rng() % 4 == 0 ? '\r' : '\n';
    }
    if (round % 5 == 0 && !s.empty()) s.back() = '\n';
    const std::uint64_t lines = scan_by_bytes(s, ~0ull, false).lines;
    const std::uint64_t limit = round % 4 == 0 ? ~0ull : 1 + rng() % (lines + 2);
    ASSERT_NO_FATAL_FAILURE(expect_scan_by_bytes(s, limit, rng() % 2 != 0));
  }
}

}  // namespace
}  // namespace wcs
