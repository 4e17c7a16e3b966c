#include "host/sink/batch_time.hpp"

#include <ctime>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

namespace wcs {

std::string format_batch_time(std::int64_t batch_ms) {
  // Floor division keeps the microseconds non-negative before 1970, as Python does.
  std::int64_t seconds = batch_ms / 1000;
  std::int64_t millis = batch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) {
    throw std::runtime_error(fmt::format("batch time {} ms is out of range", batch_ms));
  }
  std::string out = fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (millis != 0) {
    fmt::format_to(std::back_inserter(out), ".{:06d}", millis * 1000);
  }
  return out;
}

}  // namespace wcs
