// A byte_source that replays scripted reads, for the receiver's and the write-ahead log's tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "ingest/core/byte_source.hpp"

namespace wcs {

// Replays scripted reads; an empty string stands for "connection closed".
class scripted_source final : public byte_source {
 public:
  explicit scripted_source(std::vector<std::string> reads) : reads_(reads.begin(), reads.end()) {}
  read_result read(std::span<std::uint8_t> into, steady_time) override {
    if (reads_.empty()) return {read_status::finished};
    std::string& next = reads_.front();
    if (next.empty()) {
      reads_.pop_front();
      return {read_status::closed};
    }
    const std::size_t n = std::min(next.size(), into.size());
    std::copy_n(next.data(), n, into.data());
    next.erase(0, n);
    if (next.empty()) reads_.pop_front();
    return {read_status::data, n};
  }

 private:
  std::deque<std::string> reads_;
};

}  // namespace wcs
