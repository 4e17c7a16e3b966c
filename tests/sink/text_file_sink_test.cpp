#include "host/sink/text_file_sink.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class text_file_sink : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "wcs-sink-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  // The exception message, or "" when `write` did not throw.
  template <typename F>
  static std::string error_of(F write) {
    try {
      write();
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  fs::path root_;
  const std::vector<wcs::word_count> records_{{"the", 97}, {"don't", 2}, {"a\u200bb", 1}};
  const std::string expected_ = "('the', 97)\n(\"don't\", 2)\n('a\\u200bb', 1)\n";
};

TEST_F(text_file_sink, directory_names) {
  EXPECT_EQ(wcs::text_file_sink("out/wc", false).batch_dir(1795462810000, wcs::mode::stateless), "out/wc-1795462810000");
  EXPECT_EQ(wcs::text_file_sink("out/wc", true).batch_dir(1000, wcs::mode::stateful), "out/wc-1000.stateful");
}

TEST_F(text_file_sink, writes_part_and_success) {
  const std::string prefix = (root_ / "wc").string();
  wcs::text_file_sink(prefix, false).write_batch(1000, wcs::mode::stateless, records_);
  EXPECT_EQ(entries(root_), std::vector<std::string>{"wc-1000"});
  EXPECT_EQ(entries(root_ / "wc-1000"), (std::vector<std::string>{"_SUCCESS", "part-00000"}));
  EXPECT_EQ(read_file(root_ / "wc-1000" / "part-00000"), expected_);
  EXPECT_EQ(fs::file_size(root_ / "wc-1000" / "_SUCCESS"), 0U);
}

TEST_F(text_file_sink, suffix) {
  wcs::text_file_sink((root_ / "wc").string(), true).write_batch(2000, wcs::mode::window, records_);
  EXPECT_EQ(entries(root_), std::vector<std::string>{"wc-2000.window"});
  EXPECT_EQ(read_file(root_ / "wc-2000.window" / "part-00000"), expected_);
}

TEST_F(text_file_sink, empty_batch_has_empty_part) {
  wcs::text_file_sink((root_ / "wc").string(), false).write_batch(3000, wcs::mode::stateless, {});
  EXPECT_EQ(entries(root_ / "wc-3000"), (std::vector<std::string>{"_SUCCESS", "part-00000"}));
  EXPECT_EQ(fs::file_size(root_ / "wc-3000" / "part-00000"), 0U);
}

TEST_F(text_file_sink, creates_missing_parent_directories) {
  wcs::text_file_sink((root_ / "a" / "b" / "wc").string(), false).write_batch(1000, wcs::mode::stateless, records_);
  EXPECT_EQ(read_file(root_ / "a" / "b" / "wc-1000" / "part-00000"), expected_);
  EXPECT_EQ(entries(root_ / "a" / "b"), std::vector<std::string>{"wc-1000"});
}

TEST_F(text_file_sink, relative_prefix_without_directory) {
  const fs::path cwd = fs::current_path();
  fs::current_path(root_);
  wcs::text_file_sink("wc", false).write_batch(1000, wcs::mode::stateless, records_);
  fs::current_path(cwd);
  EXPECT_EQ(entries(root_), std::vector<std::string>{"wc-1000"});
  EXPECT_EQ(read_file(root_ / "wc-1000" / "part-00000"), expected_);
}

TEST_F(text_file_sink, rewritten_batch_replaces_the_old_directory) {
  wcs::text_file_sink sink((root_ / "wc").string(), false);
  sink.write_batch(1000, wcs::mode::stateless, records_);
  std::ofstream(root_ / "wc-1000" / "stray") << "from the first run";
  const std::vector<wcs::word_count> second{{"new", 5}};
  sink.write_batch(1000, wcs::mode::stateless, second);
  EXPECT_EQ(entries(root_), std::vector<std::string>{"wc-1000"});
  EXPECT_EQ(entries(root_ / "wc-1000"), (std::vector<std::string>{"_SUCCESS", "part-00000"}));
  EXPECT_EQ(read_file(root_ / "wc-1000" / "part-00000"), "('new', 5)\n");
}

TEST_F(text_file_sink, leftover_temp_directory_of_a_crashed_run_is_reused) {
  const fs::path stale = root_ / (".wc-1000.tmp-" + std::to_string(::getpid()));
  fs::create_directory(stale);
  std::ofstream(stale / "part-00000") << "half";
  wcs::text_file_sink((root_ / "wc").string(), false).write_batch(1000, wcs::mode::stateless, records_);
  EXPECT_EQ(entries(root_), std::vector<std::string>{"wc-1000"});
  EXPECT_EQ(read_file(root_ / "wc-1000" / "part-00000"), expected_);
}

TEST_F(text_file_sink, large_batch_is_written_in_full) {
  std::vector<std::string> words;
  for (int i = 0; i < 200000; ++i) {
    words.push_back("word" + std::to_string(i));
  }
  std::vector<wcs::word_count> records;
  std::string expected;
  for (const std::string& w : words) {
    records.push_back({w, 7});
    expected += "('" + w + "', 7)\n";
  }
  ASSERT_GT(expected.size(), std::size_t{2} << 20);
  wcs::text_file_sink((root_ / "wc").string(), false).write_batch(1000, wcs::mode::stateless, records);
  EXPECT_EQ(read_file(root_ / "wc-1000" / "part-00000"), expected);
}

TEST_F(text_file_sink, prefix_under_a_regular_file_fails_with_one_clear_line) {
  std::ofstream(root_ / "file") << "x";
  const std::string prefix = (root_ / "file" / "out" / "wc").string();
  const std::string message =
      error_of([&] { wcs::text_file_sink(prefix, false).write_batch(1000, wcs::mode::stateless, records_); });
  EXPECT_NE(message.find(prefix + "-1000"), std::string::npos) << message;
  EXPECT_NE(message.find((root_ / "file" / "out").string()), std::string::npos) << message;
  EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(entries(root_), std::vector<std::string>{"file"});
}

TEST_F(text_file_sink, target_that_is_a_file_is_not_clobbered) {
  std::ofstream(root_ / "wc-1000") << "keep";
  const std::string message =
      error_of([&] { wcs::text_file_sink((root_ / "wc").string(), false).write_batch(1000, wcs::mode::stateless, records_); });
  EXPECT_NE(message.find((root_ / "wc-1000").string()), std::string::npos) << message;
  EXPECT_EQ(read_file(root_ / "wc-1000"), "keep");
  EXPECT_EQ(entries(root_), std::vector<std::string>{"wc-1000"});
}

TEST_F(text_file_sink, unwritable_directory_fails_and_leaves_nothing) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root ignores directory permissions";
  }
  fs::create_directory(root_ / "ro");
  fs::permissions(root_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message = error_of(
      [&] { wcs::text_file_sink((root_ / "ro" / "wc").string(), false).write_batch(1000, wcs::mode::stateless, records_); });
  fs::permissions(root_ / "ro", fs::perms::owner_all);
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
  EXPECT_TRUE(entries(root_ / "ro").empty());
}

}  // namespace
