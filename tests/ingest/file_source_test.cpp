// A regular file is mapped whole; pages given back with consumed() read the file again if touched,
// never zeros (the mapping is private and never written). Stdin and empty files are not mapped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ingest/core/file_source.hpp"

namespace wcs {
namespace {

TEST(FileSource, MapsARegularFileAndGivesPagesBack) {
  const auto path = std::filesystem::temp_directory_path() / ("wcs_file_source_" + std::to_string(::getpid()));
  std::string text;
  for (int i = 0; text.size() < (3u << 20); ++i) text += "line " + std::to_string(i) + "\n";
  std::ofstream(path, std::ios::binary) << text;
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

}  // namespace
}  // namespace wcs
