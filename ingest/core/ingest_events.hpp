#pragma once
// What the ingest thread hands to the engine, in stream order.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include "ingest/core/byte_source.hpp"
#include "ingest/core/host_buffer.hpp"

namespace wcs {

struct ingest_event {
  enum class kind {
    chunk,      // whole lines of the open batch, at data [0, bytes) (0 bytes: only a line end to count);
                // then give `buffer` back to the ring
    batch_end,  // the open batch is complete: its time is batch_ms
    finished    // the stream has ended; no more events
  };
  kind what = kind::finished;
  host_buffer* buffer = nullptr;      // the ring buffer this chunk holds (in a mapped source: a ticket)
  const std::uint8_t* data = nullptr;  // the chunk's bytes: in `buffer`, or in the mapped source
  std::size_t bytes = 0;
  std::uint64_t lines = 0;
  std::int64_t batch_ms = 0;
  steady_time at{};  // when the event was sealed
};

// Unbounded in count but not in memory: chunks are bounded by the ring, batch ends by the clock.
// A mutex and a condition variable, not tbb::concurrent_bounded_queue: that ran no faster (bench/
// throughput.py --compare on KJV, 0.99-1.01x) and took 1-4% more CPU, its pop spinning before it
// sleeps on the cores the workers need; the same holds for the ring's free list (chunk_ring).
class event_queue {
 public:
  void push(ingest_event e) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    }
    ready_.notify_one();
  }
  ingest_event pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !events_.empty(); });
    ingest_event e = events_.front();
    events_.pop_front();
    return e;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<ingest_event> events_;
};

}  // namespace wcs
