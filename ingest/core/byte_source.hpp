#pragma once
// Where the engine's text comes from: a TCP server (socketTextStream) or a file / stdin.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wcs {

using steady_time = std::chrono::steady_clock::time_point;

enum class read_status {
  data,     // bytes were read
  timeout,  // nothing before the deadline (or the source is waiting to reconnect)
  closed,   // this stream ended: its last line without terminator is complete now
  finished  // no more data will ever come
};

struct read_result {
  read_status status;
  std::size_t bytes = 0;
};

// Milliseconds from now until `deadline` for poll(): 0 when past, at most 60 s.
inline int ms_until(steady_time deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left > 60000 ? 60000 : left);
}

// The receiver's state as a live view shows it: written by the ingest thread, read by any.
struct source_counters {
  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<std::uint64_t> bytes{0};  // received (a mapped file: its size, once mapped)
};

class byte_source {
 public:
  virtual ~byte_source() = default;
  // Reads what is available into `into`, waiting at most until `deadline`.
  virtual read_result read(std::span<std::uint8_t> into, steady_time deadline) = 0;

  // A source held in memory as a whole (a memory-mapped file) returns it here, and the receiver
  // takes its chunks in place instead of reading copies; empty for streams.
  virtual std::span<const std::uint8_t> mapped() const { return {}; }
  // The engine is done with mapped() up to `end`: its pages may leave memory.
  virtual void consumed(const std::uint8_t* /*end*/) {}
  // Throws when bytes of mapped() may have turned out unreadable (the file shrank while mapped, or a
  // read error): they then read as zeros, which must not be counted.
  virtual void check() const {}

  const source_counters& counters() const { return counters_; }

 protected:
  source_counters counters_;
};

}  // namespace wcs
