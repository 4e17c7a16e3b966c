#include "host/sink/pprint_sink.hpp"

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

constexpr std::int64_t batch_ms = 1795462810000;  // 2026-11-23 19:40:10 UTC
constexpr const char* header =
    "-------------------------------------------\n"
    "Time: 2026-11-23 19:40:10\n"
    "-------------------------------------------\n";

class pprint : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }

  static std::string print(std::span<const wcs::word_count> records, std::uint64_t total, std::size_t num,
                           std::int64_t ms = batch_ms) {
    std::string out;
    wcs::append_pprint(out, ms, records, total, num);
    return out;
  }

  const std::vector<wcs::word_count> records_{{"the", 97}, {"I", 87}, {"don't", 2}, {"\\", 1}};
};

TEST_F(pprint, all_records_fit) {
  EXPECT_EQ(print(records_, 4, 10), std::string(header) +
                                        "('the', 97)\n"
                                        "('I', 87)\n"
                                        "(\"don't\", 2)\n"
                                        "('\\\\', 1)\n"
                                        "\n");
}

TEST_F(pprint, exactly_num_records_has_no_ellipsis) {
  EXPECT_EQ(print(records_, 4, 4), std::string(header) +
                                       "('the', 97)\n"
                                       "('I', 87)\n"
                                       "(\"don't\", 2)\n"
                                       "('\\\\', 1)\n"
                                       "\n");
}

TEST_F(pprint, more_records_than_num) {
  EXPECT_EQ(print(records_, 4, 2), std::string(header) +
                                       "('the', 97)\n"
                                       "('I', 87)\n"
                                       "...\n"
                                       "\n");
}

TEST_F(pprint, caller_may_pass_only_the_top_records) {
  const std::span<const wcs::word_count> top(records_.data(), 2);
  EXPECT_EQ(print(top, 1000, 2), std::string(header) + "('the', 97)\n('I', 87)\n...\n\n");
}

TEST_F(pprint, num_zero) {
  EXPECT_EQ(print(records_, 4, 0), std::string(header) + "...\n\n");
  EXPECT_EQ(print({}, 0, 0), std::string(header) + "\n");
}

TEST_F(pprint, empty_batch) {
  EXPECT_EQ(print({}, 0, 10), std::string(header) + "\n");
}

TEST_F(pprint, sub_second_batch_time) {
  EXPECT_EQ(print({}, 0, 10, batch_ms + 500),
            "-------------------------------------------\n"
            "Time: 2026-11-23 19:40:10.500000\n"
            "-------------------------------------------\n"
            "\n");
}

TEST_F(pprint, appends) {
  std::string out = "before\n";
  wcs::append_pprint(out, batch_ms, {}, 0, 10);
  EXPECT_EQ(out, "before\n" + std::string(header) + "\n");
}

}  // namespace
