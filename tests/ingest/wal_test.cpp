// The write-ahead log: records detect any torn or flipped byte; a log replayed after a crash gives the
// engine the same batches, byte for byte, as the live run did, from any checkpoint on, across segment
// rolls and trims; a torn tail is cut at the last whole record, zeros after it end the log.
#include <gtest/gtest.h>

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ingest/core/receiver.hpp"
#include "ingest/wal/record.hpp"
#include "ingest/wal/write_ahead_log.hpp"
#include "tests/ingest/scripted_source.hpp"

namespace wcs {
namespace {

namespace fs = std::filesystem;

std::span<const std::uint8_t> bytes_of(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

struct batch {
  std::string text;
  std::uint64_t lines = 0;
  std::int64_t batch_ms = 0;
  bool operator==(const batch&) const = default;
};

constexpr std::int64_t interval_ms = 1000;
constexpr std::uint64_t lines_per_batch = 7;

// Runs a receiver over `reads` (with the log in `dir`, replayed first), as the engine would: a
// checkpoint every `checkpoint_every` batches tells the log what it may trim.
std::vector<batch> run(const std::string& dir, std::vector<std::string> reads, std::int64_t first_batch_ms,
                       int checkpoint_every = 3) {
  wal::write_ahead_log log(dir, interval_ms);
  log.checkpointed(first_batch_ms - interval_ms);
  scripted_source source(std::move(reads));
  chunk_ring ring(4, 128);
  event_queue events;
  receiver rx(source, ring, events, batch_policy{batch_clock::first_batch_at(first_batch_ms, interval_ms), first_batch_ms, lines_per_batch}, &log);
  rx.start();
  std::vector<batch> out(1);
  for (int batches = 0;;) {
    const ingest_event e = events.pop();
    if (e.what == ingest_event::kind::finished) break;
    if (e.what == ingest_event::kind::chunk) {
      out.back().text.append(reinterpret_cast<const char*>(e.data), e.bytes);
      out.back().lines += e.lines;
      ring.release(e.buffer);
    } else {
      out.back().batch_ms = e.batch_ms;
      if (++batches % checkpoint_every == 0) log.checkpointed(e.batch_ms);
      out.emplace_back();
    }
  }
  rx.join();
  EXPECT_TRUE(rx.error().empty()) << rx.error();
  out.pop_back();
  return out;
}

// Random lines with every line end, split into random reads, some connections closing mid-line.
std::vector<std::string> random_reads(std::mt19937& rng, int lines) {
  std::vector<std::string> reads;
  std::string pending;
  for (int i = 0; i < lines; ++i) {
    // Some lines longer than a buffer (counted in parts), most shorter.
    const std::size_t length = i % 25 == 0 ? 200 : rng() % 40;
    pending += std::string(length, 'a' + static_cast<char>(i % 26)) + " w" + std::to_string(i);
    const char* ends[] = {"\n", "\r\n", "\r", "\n"};
    pending += ends[rng() % 4];
    if (rng() % 5 == 0 || i + 1 == lines) {
      while (!pending.empty()) {
        const std::size_t n = std::min<std::size_t>(pending.size(), 1 + rng() % 40);
        reads.push_back(pending.substr(0, n));
        pending.erase(0, n);
      }
      if (rng() % 4 == 0) {
        reads.push_back("tail" + std::to_string(i));  // a last line without terminator
        reads.push_back("");
      }
    }
  }
  return reads;
}

std::string temp_dir(const std::string& name) {
  const std::string dir = (fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> segments(const std::string& dir) {
  std::vector<std::string> s;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("wal-")) s.push_back(e.path().string());
  std::sort(s.begin(), s.end());
  return s;
}

TEST(WalRecord, RoundTripsAndDetectsEveryTornOrFlippedByte) {
  std::string rec;
  wal::append_record(rec, wal::kind::data, bytes_of("some bytes\n"));
  const auto ok = wal::parse_record(bytes_of(rec));
  ASSERT_EQ(ok.status, wal::parse_status::ok);
  EXPECT_EQ(ok.bytes, rec.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ok.rec.payload.data()), ok.rec.payload.size()), "some bytes\n");
  for (std::size_t n = 0; n < rec.size(); ++n) {
    EXPECT_NE(wal::parse_record(bytes_of(rec.substr(0, n))).status, wal::parse_status::ok) << "torn at " << n;
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = rec;
      flipped[n] = static_cast<char>(flipped[n] ^ (1 << bit));
      EXPECT_NE(wal::parse_record(bytes_of(flipped)).status, wal::parse_status::ok) << "byte " << n << " bit " << bit;
    }
  }
}

TEST(Wal, ReplayGivesTheLiveBatchesFromAnyCheckpoint) {
  std::mt19937 rng(7);
  const auto reads = random_reads(rng, 300);
  const std::string dir = temp_dir("wcs-wal-replay");
  const std::vector<batch> live = run(dir, reads, 5000);
  ASSERT_GT(live.size(), 30u);
  EXPECT_LT(segments(dir).size(), 4u) << "the log was not trimmed";
  // The log keeps what the last checkpoint (every third batch) does not hold; a restart from any
  // checkpoint the trims left replayable gets the live batches after it again, then nothing more.
  const fs::path copy = dir + "-copy";
  for (std::size_t resume = live.size() / 3 * 3; resume <= live.size(); ++resume) {
    fs::remove_all(copy);
    fs::copy(dir, copy);
    const std::vector<batch> replayed = run(copy.string(), {}, live[resume - 1].batch_ms + interval_ms);
    const std::vector<batch> expected(live.begin() + static_cast<std::ptrdiff_t>(resume), live.end());
    EXPECT_EQ(replayed, expected) << "resumed after batch " << resume;
  }
  fs::remove_all(copy);
  fs::remove_all(dir);
}

TEST(Wal, AKilledRunReplaysEveryWholeLineOnceInItsBatch) {
  std::mt19937 rng(11);
  const auto reads = random_reads(rng, 120);
  const std::string dir = temp_dir("wcs-wal-kill");
  const std::vector<batch> live = run(dir, reads, 5000, 1000);  // no checkpoint: the log keeps everything
  std::string all;
  for (const auto& b : live) all += b.text;
  const std::string seg = segments(dir).front();
  const auto size = fs::file_size(seg);
  const fs::path copy = dir + "-copy";
  for (int trial = 0; trial < 40; ++trial) {
    // A kill at a random moment leaves a prefix of the log, possibly mid-record.
    fs::remove_all(copy);
    fs::copy(dir, copy);
    const auto cut = 40 + rng() % (size - 40);
    fs::resize_file(copy / fs::path(seg).filename(), cut);
    const std::vector<batch> replayed = run(copy.string(), {}, 5000);
    std::string text;
    for (std::size_t i = 0; i < replayed.size(); ++i) {
      text += replayed[i].text;
      EXPECT_EQ(replayed[i].batch_ms, 5000 + static_cast<std::int64_t>(i) * interval_ms);
      if (i + 1 < replayed.size()) {
        EXPECT_EQ(replayed[i], live[i]) << "batch " << i << ", log cut at " << cut;
      }
    }
    // Every whole line logged is replayed once; the cut line is dropped.
    EXPECT_EQ(all.compare(0, text.size(), text), 0) << "cut at " << cut;
  }
  fs::remove_all(copy);
  fs::remove_all(dir);
}

TEST(Wal, RestartAfterRestartKeepsTheBatches) {
  // A kill, a replay that appends to the log, another kill: the second replay agrees with the first.
  std::mt19937 rng(3);
  const std::string dir = temp_dir("wcs-wal-twice");
  run(dir, random_reads(rng, 40), 5000, 1000);
  const std::string seg = segments(dir).front();
  fs::resize_file(seg, fs::file_size(seg) - 5);  // torn: cut, with a warning
  const std::vector<batch> first = run(dir, {}, 5000, 1000);
  const std::vector<batch> again = run(dir, {}, 5000, 1000);
  ASSERT_FALSE(first.empty());
  // The first restart closed its batches after replaying: the second finds them logged.
  EXPECT_EQ(std::vector<batch>(again.begin(), again.begin() + static_cast<std::ptrdiff_t>(first.size())), first);
  fs::remove_all(dir);
}

// What replay hands its reader, as one string: data as it is, markers for the ends.
struct transcript : wal::replay_visitor {
  std::string text;
  void on_segment(const wal::segment_header&, std::span<const std::uint8_t>, bool) override {}
  void on_data(std::span<const std::uint8_t> b) override { text.append(reinterpret_cast<const char*>(b.data()), b.size()); }
  void on_connection_end() override { text += "<close>"; }
  void on_batch_end(std::int64_t ms) override { text += "<batch " + std::to_string(ms) + ">"; }
};

TEST(Wal, LargeReadsWrittenInPlaceReplayByteForByte) {
  // Reads of up to 300 KB at every alignment in one buffer, as the receiver's are: held together,
  // they are written from the buffer (a padding record aligning them) with only their ends copied.
  // Then small reads, some apart: copied, through a staging buffer that fills many times.
  std::mt19937 rng(11);
  const std::string dir = temp_dir("wcs-wal-in-place");
  std::vector<std::uint8_t> buffer(8 << 20);
  for (auto& b : buffer) b = static_cast<std::uint8_t>('a' + rng() % 26);
  std::string expected;
  {
    wal::write_ahead_log log(dir, interval_ms);
    log.start(0);
    std::size_t at = rng() % 4096;
    for (int i = 0; i < 2000; ++i) {
      const bool large = i < 200;
      const std::size_t n = std::min<std::size_t>(1 + rng() % (large ? 300000 : 5000), buffer.size() - at);
      log.append_data({buffer.data() + at, n});
      expected.append(reinterpret_cast<const char*>(buffer.data() + at), n);
      at += n + (!large && rng() % 2 == 0 ? 17 : 0);
      switch (rng() % (large ? 8 : 64)) {
        case 0:  // the receiver hands its bytes on, or moves to another buffer
          log.flush();
          at = rng() % (buffer.size() / 2);
          break;
        case 1:
          log.append_connection_end();
          expected += "<close>";
          break;
        case 2:
          log.append_batch_end(i * interval_ms, {}, false);
          expected += "<batch " + std::to_string(i * interval_ms) + ">";
          break;
        default:
          if (at + 300000 > buffer.size()) at = rng() % 4096;
      }
    }
    log.flush();
  }
  wal::write_ahead_log log(dir, interval_ms);
  transcript got;
  log.replay(got);
  ASSERT_EQ(got.text.size(), expected.size());
  EXPECT_TRUE(got.text == expected);
  fs::remove_all(dir);
}

TEST(Wal, ALogOfAnotherFormatVersionIsRefusedNotCut) {
  const std::string dir = temp_dir("wcs-wal-version");
  fs::create_directories(dir);
  const std::string seg = dir + "/wal-00000000000000000001.log";
  std::ofstream(seg, std::ios::binary) << "wcswal1\n" << std::string(100, 'x');
  try {
    wal::write_ahead_log log(dir, interval_ms);
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("has format wcswal1, this wcstream writes wcswal2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fs::file_size(seg), 108u) << "left as it was";
  fs::remove_all(dir);
}

TEST(Wal, ZerosAfterTheLastRecordAreItsEndAndAnythingAfterThemIsCut) {
  // A killed run leaves its last block's padding and the preallocated space: zeros, not a torn tail.
  std::mt19937 rng(7);
  const std::string dir = temp_dir("wcs-wal-zeros");
  const std::vector<batch> live = run(dir, random_reads(rng, 40), 5000, 1000);
  const std::string seg = segments(dir).front();
  const auto size = fs::file_size(seg);
  const fs::path copy = dir + "-copy";
  fs::copy(dir, copy);
  fs::resize_file(seg, size + 70000);
  const std::vector<batch> replayed = run(dir, {}, 5000, 1000);
  EXPECT_EQ(fs::file_size(seg), size + 70000) << "not cut";
  EXPECT_EQ(replayed, run(copy.string(), {}, 5000, 1000));
  EXPECT_FALSE(replayed.empty());
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size + 60000));
    f.put('\x01');
  }
  run(dir, {}, 5000, 1000);
  EXPECT_EQ(fs::file_size(seg), size) << "cut where the zeros start";
  fs::remove_all(copy);
  fs::remove_all(dir);
}

TEST(Wal, CorruptRecordIsCutWithLaterSegments) {
  const std::string dir = temp_dir("wcs-wal-corrupt");
  std::mt19937 rng(5);
  run(dir, random_reads(rng, 40), 5000, 1000);
  const std::string seg = segments(dir).front();
  const auto size = fs::file_size(seg);
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\xff');
  }
  const std::vector<batch> replayed = run(dir, {}, 5000, 1000);
  EXPECT_LT(fs::file_size(seg), size);
  ASSERT_EQ(segments(dir).size(), 2u);  // the cut one and this run's
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wcs
