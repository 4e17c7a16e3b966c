#pragma once
// The ingest thread: reads a byte source into ring buffers and cuts the stream into batches.
//  - By time (Spark's batch interval): batch times are multiples of the interval since the epoch, and a
//    line belongs to the batch in whose interval its line end arrived.
//  - By line count (--batch-lines): batch times advance by one interval per batch, without waiting.
// Chunks always end at a line end, at the end of a connection, or (a line longer than a whole buffer)
// after its last whitespace, so every chunk tokenizes on its own.
// A mapped source (byte_source::mapped) is cut the same way but in place: a chunk points into the
// mapping and its ring buffer is only a ticket, so the ring still bounds what is in flight.
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>

#include "ingest/core/batch_clock.hpp"
#include "ingest/core/byte_source.hpp"
#include "ingest/core/chunk_ring.hpp"
#include "ingest/core/ingest_events.hpp"
#include "ingest/core/line_scanner.hpp"
#include "ingest/wal/write_ahead_log.hpp"

namespace wcs {

struct batch_policy {
  batch_clock clock;
  std::int64_t first_batch_ms = 0;     // time of the first batch (after a restart: past clock's first)
  std::uint64_t lines_per_batch = 0;   // 0: cut by time
};

class receiver {
 public:
  // With a write-ahead log, the thread first replays it (see ingest/wal), then appends what it reads.
  receiver(byte_source& source, chunk_ring& ring, event_queue& out, batch_policy policy,
           wal::write_ahead_log* log = nullptr);
  ~receiver();

  void start();
  // Asks the thread to close the open batch now and finish.
  void stop() { stop_.store(true); }
  void join();
  // Why the thread stopped early (empty: the stream ended or stop() was called). Valid after join().
  const std::string& error() const { return error_; }

 private:
  void run();
  void on_data(std::size_t bytes);
  void seal_chunk(std::size_t cut);
  void seal_batch();
  void seal_full_buffer();
  void end_of_connection();
  read_result read_more(steady_time deadline);
  // Write-ahead log replay (receiver_replay.cpp).
  friend class log_replayer;
  void replay_log();
  // Seals the whole lines held and drops the unterminated one (the connection was cut before its end).
  void drop_open_line();
  bool discarding() const { return replaying_ && next_batch_ms_ <= skip_through_ms_; }

  byte_source& source_;
  chunk_ring& ring_;
  event_queue& out_;
  batch_policy policy_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::string error_;

  line_scanner scanner_;
  std::span<const std::uint8_t> mapped_;
  std::deque<const std::uint8_t*> in_flight_ends_;  // mapped: ends of the chunks the engine may still hold
  host_buffer* buffer_ = nullptr;
  const std::uint8_t* chunk_ = nullptr;  // the open chunk's bytes: buffer_'s, or in mapped_
  std::size_t filled_ = 0;    // bytes in chunk_
  std::size_t last_end_ = 0;  // just past the last line end in chunk_ (0: none)
  std::uint64_t lines_ = 0;   // line ends in chunk_[0, last_end_)
  bool line_open_ = false;    // a line a full buffer was cut inside has not ended yet
  std::uint64_t lines_left_ = 0;
  std::uint64_t batch_bytes_ = 0;
  std::uint64_t reads_ = 0, received_bytes_ = 0;  // from the source (not the log's replay)
  std::int64_t next_batch_ms_ = 0;

  wal::write_ahead_log* log_;
  bool replaying_ = false;
  std::int64_t skip_through_ms_ = 0;  // replay: batches up to this one are in the checkpoint already
};

}  // namespace wcs
