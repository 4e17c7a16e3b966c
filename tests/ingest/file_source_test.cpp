// A regular file is mapped whole; pages given back with consumed() read the file again if touched,
// never zeros (the mapping is private and never written). Stdin and empty files are not mapped. A file
// that shrinks while mapped is an error, not a crash (SIGBUS) and not zeros counted as words.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ingest/core/chunk_ring.hpp"
#include "ingest/core/file_source.hpp"
#include "ingest/core/mapping_guard.hpp"
#include "ingest/core/receiver.hpp"

namespace wcs {
namespace {

// Numbered lines ("line 0\n", "line 1\n", ...), at least `bytes` of them, written to a fresh
// temporary file.
struct numbered_lines_file {
  std::filesystem::path path;
  std::string text;
};
numbered_lines_file write_numbered_lines(const std::string& name, std::size_t bytes) {
  numbered_lines_file f{std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid())), {}};
  for (int i = 0; f.text.size() < bytes; ++i) f.text += "line " + std::to_string(i) + "\n";
  std::ofstream(f.path, std::ios::binary) << f.text;
  return f;
}

TEST(FileSource, MapsARegularFileAndGivesPagesBack) {
  const auto [path, text] = write_numbered_lines("wcs_file_source", 3u << 20);
  {
    file_source source(path.string());
    const auto mapped = source.mapped();
    ASSERT_EQ(mapped.size(), text.size());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(mapped.data()), mapped.size()), text);
    source.consumed(mapped.data() + mapped.size() / 2);
    source.consumed(mapped.data() + mapped.size() / 4);  // going back is a no-op
    source.consumed(mapped.data() + mapped.size());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(mapped.data()), mapped.size()), text) << "pages came back changed";
  }
  std::filesystem::remove(path);
}

TEST(FileSource, EmptyFilesAreReadNotMapped) {
  const auto path = std::filesystem::temp_directory_path() / ("wcs_file_source_empty_" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary).flush();
  {
    file_source source(path.string());
    EXPECT_TRUE(source.mapped().empty());
    std::uint8_t buffer[16];
    EXPECT_EQ(source.read(buffer, std::chrono::steady_clock::now()).status, read_status::finished);
  }
  std::filesystem::remove(path);
}

TEST(FileSource, FileThatShrankWhileMappedReadsZerosAndIsReported) {
  const auto path = write_numbered_lines("wcs_file_source_shrank", 1u << 20).path;
  {
    file_source source(path.string());
    const auto mapped = source.mapped();
    ASSERT_GT(mapped.size(), 3u * 4096);
    EXPECT_NO_THROW(source.check());
    std::filesystem::resize_file(path, 4096 + 100);
    EXPECT_EQ(mapped[0], 'l') << "the page the file kept reads as before";
    EXPECT_EQ(mapped[4096 + 200], 0) << "past the new end, in its page: zeros, and no SIGBUS either";
    try {
      source.check();
      ADD_FAILURE() << "check() did not report the shrink within the last page";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("to 4196 bytes while being read"), std::string::npos) << e.what();
    }
    EXPECT_EQ(mapped[3 * 4096 + 5], 0) << "a page past the new end reads as zeros (instead of SIGBUS)";
    EXPECT_EQ(mapped[mapped.size() - 1], 0);
    // Grown back to its size, the file no longer looks shrunk: the pages that faulted are still reported.
    std::filesystem::resize_file(path, mapped.size());
    try {
      source.check();
      ADD_FAILURE() << "check() did not report the pages that faulted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("from byte 12288 on: a read error"), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove(path);
}

TEST(FileSource, ReceiverStopsWithAnErrorWhenTheFileShrank) {
  const auto path = write_numbered_lines("wcs_file_source_receiver", 4u << 20).path;
  {
    file_source source(path.string());
    std::filesystem::resize_file(path, 1 << 20);
    chunk_ring ring(4, 256 << 10, true);
    event_queue events;
    receiver rx(source, ring, events, batch_policy{batch_clock::first_batch_at(5000, 1000), 5000, 100000});
    rx.start();
    std::uint64_t bytes = 0;
    for (;;) {
      const ingest_event e = events.pop();
      if (e.what == ingest_event::kind::finished) break;
      if (e.what != ingest_event::kind::chunk) continue;
      for (std::size_t i = 0; i < e.bytes; ++i) ASSERT_NE(e.data[i], 0) << "a chunk holds zeros from a lost page";
      bytes += e.bytes;
      ring.release(e.buffer);
    }
    rx.join();
    EXPECT_LE(bytes, 1u << 20);
    EXPECT_NE(rx.error().find("to 1048576 bytes while being read"), std::string::npos) << rx.error();
  }
  std::filesystem::remove(path);
}

// It reaches the handler installed before the guard's: the default action, or a sanitizer's report.
TEST(MappingGuardDeathTest, SigbusOutsideGuardedMappingsStillKills) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        const std::uint8_t page[1] = {0};
        mapping_guard guard(page, sizeof page);
        ::raise(SIGBUS);
      },
      "");
}

}  // namespace
}  // namespace wcs
