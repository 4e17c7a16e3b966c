#include "host/sink/batch_time.hpp"

#include <cstdlib>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

namespace {

// glibc reads TZ once unless tzset() is called again, so each test sets it explicitly.
class batch_time : public ::testing::Test {
 protected:
  static void use_tz(const char* tz) {
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  void SetUp() override { use_tz("UTC"); }
  void TearDown() override { use_tz("UTC"); }
};

// Expected strings are Python's str(datetime.fromtimestamp(ms / 1000.0)) under the same TZ.
TEST_F(batch_time, whole_seconds_have_no_fraction) {
  EXPECT_EQ(wcs::format_batch_time(1795462810000), "2026-11-23 19:40:10");
  EXPECT_EQ(wcs::format_batch_time(0), "1970-01-01 00:00:00");
  EXPECT_EQ(wcs::format_batch_time(1000), "1970-01-01 00:00:01");
}

TEST_F(batch_time, sub_second_times_get_six_digits) {
  EXPECT_EQ(wcs::format_batch_time(1795462810500), "2026-11-23 19:40:10.500000");
  EXPECT_EQ(wcs::format_batch_time(1795462810001), "2026-11-23 19:40:10.001000");
  EXPECT_EQ(wcs::format_batch_time(999), "1970-01-01 00:00:00.999000");
}

TEST_F(batch_time, before_epoch_rounds_down) {
  EXPECT_EQ(wcs::format_batch_time(-1), "1969-12-31 23:59:59.999000");
  EXPECT_EQ(wcs::format_batch_time(-1500), "1969-12-31 23:59:58.500000");
}

TEST_F(batch_time, uses_local_time_zone) {
  use_tz("XST-05:30");  // POSIX form of UTC+05:30, needs no tzdata
  EXPECT_EQ(wcs::format_batch_time(1795462810000), "2026-11-24 01:10:10");
}

}  // namespace
