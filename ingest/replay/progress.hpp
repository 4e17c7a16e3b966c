#pragma once
// wcs-replay's progress line on long replays: lines and bytes sent to the current client, the rate over
// the last second, and how far through the file (and which pass) it is. On a terminal the line is
// redrawn in place; otherwise (--progress into a file or pipe) one line is written per second.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <thread>

#include "ingest/replay/payload.hpp"

namespace wcs {

class progress_meter {
 public:
  // `sent`: bytes sent so far to the client, updated by the sending thread; read once a second.
  progress_meter(const replay_payload& payload, std::uint64_t repeat, const std::atomic<std::size_t>& sent,
                 std::FILE* out, bool terminal);
  ~progress_meter();  // stops, and clears a terminal's line so the next log line starts clean
  progress_meter(const progress_meter&) = delete;
  progress_meter& operator=(const progress_meter&) = delete;

 private:
  void run();
  void report(double elapsed_s, double interval_s, std::uint64_t lines_before);
  std::uint64_t lines_in(std::size_t bytes) const;

  const replay_payload& payload_;
  const std::uint64_t repeat_;
  const std::atomic<std::size_t>& sent_;
  std::FILE* out_;
  const bool terminal_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace wcs
