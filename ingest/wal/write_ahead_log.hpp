#pragma once
// The receiver's write-ahead log (docs/reliability.md): every byte read from the socket is appended
// before it is counted, with the batch ends and connection ends that give each line its batch. Records
// go to the disk directly (O_DIRECT, past the page cache, whose copying and writeback cost more CPU than
// the disk's own work): each write covers the 4 KiB blocks it touched, the last one padded with zeros
// and written again by the next, into space preallocated ahead; replay takes zeros after the last
// record as the end. Received bytes are held where the receiver read them (1 MiB at most) until it is
// about to hand them on, then written from there as one record, so a killed process loses at most that
// and one read besides the socket buffers. Where O_DIRECT is refused (tmpfs) the same blocks go through
// the page cache.
// A written block survives a killed process; for a power loss a thread of its own makes the log durable
// (fdatasync) after each batch end, and syncs the segments left behind and the directory when a segment
// rolls.
// After a crash the engine restores its checkpoint and the receiver replays the log through its own line
// and batch cutting, so every logged line is counted once, in its batch. Segments no checkpoint still
// needs are deleted at batch ends, so the log holds about three checkpoint intervals.
//
// Segment files DIR/wal-<sequence>.log, each a run of records (ingest/wal/record.hpp) starting with a
// segment record. A new segment starts at each engine start (flag `restart`) and, at a batch end, once a
// checkpoint holds a batch of the current one.
#include <sys/uio.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ingest/wal/record.hpp"

namespace wcs::wal {

// What replay hands its reader, in log order.
class replay_visitor {
 public:
  virtual ~replay_visitor() = default;
  // `first`: the oldest segment kept, where replay starts; its `carried` bytes are the start of the
  // stream replayed (in later segments they repeat bytes already replayed).
  virtual void on_segment(const segment_header& h, std::span<const std::uint8_t> carried, bool first) = 0;
  virtual void on_data(std::span<const std::uint8_t> bytes) = 0;
  virtual void on_connection_end() = 0;
  virtual void on_batch_end(std::int64_t batch_ms) = 0;
};

class write_ahead_log {
 public:
  // Creates and locks `dir` and reads the segments' headers; a segment whose header is torn (a crash
  // while it was created) is removed with a warning. Throws std::runtime_error when the directory cannot
  // be used, is locked by another process, or was made with another batch interval or format version.
  write_ahead_log(std::string dir, std::int64_t interval_ms);
  ~write_ahead_log();
  write_ahead_log(const write_ahead_log&) = delete;
  write_ahead_log& operator=(const write_ahead_log&) = delete;

  // The oldest segment's first batch (nullopt: an empty log): the batch grid a start without a
  // checkpoint resumes.
  std::optional<std::int64_t> first_batch_ms() const;

  // Reads every record in order. A torn or corrupt record is cut, with a warning: the file is truncated
  // just before it and later segments are removed. Call once, before start().
  void replay(replay_visitor& v);

  // Opens a new segment for this run's appends; its first batch is the receiver's next batch.
  void start(std::int64_t first_batch_ms);

  // Appends are held until 1 MiB is held (fewer, larger writes: each costs the disk and the hypervisor a
  // round trip) or flush() is called: call it before the bytes can be counted. append_data's bytes are
  // written from where they are, so they must stay there, unchanged, until the next flush(),
  // append_connection_end() or append_batch_end(); successive reads into one buffer make one record.
  void append_data(std::span<const std::uint8_t> bytes);
  void append_connection_end();
  void flush();
  // Logs a batch end and has the log made durable. Then deletes the segments checkpoints hold and, when a
  // checkpoint holds a batch of the current segment, starts a new one with `carried`: the bytes already
  // logged that belong to the next batch (its open line), and whether the byte before them was a '\r'.
  void append_batch_end(std::int64_t batch_ms, std::span<const std::uint8_t> carried, bool after_cr);

  // From the engine's thread: a checkpoint holds every batch up to batch_ms. The log keeps what the
  // checkpoint before it needs too, as a restart falls back to that one when the newest is corrupt.
  void checkpointed(std::int64_t batch_ms) { covered_ms_.store(newest_ms_.exchange(batch_ms)); }

  const std::string& dir() const { return dir_; }

 private:
  struct segment {
    std::uint64_t seq;
    std::string path;
    segment_header header;
  };

  void open_segment(std::int64_t first_batch_ms, std::uint32_t flags, std::span<const std::uint8_t> carried);
  void write_record(kind k, std::span<const std::uint8_t> payload);
  void stage_record(kind k, std::span<const std::uint8_t> payload);
  void stage_record(const record_frame& f, std::span<const std::uint8_t> payload);
  // Staged records: stage() copies bytes into the block-aligned buffer, writing it whenever it fills;
  // write_staged() writes the blocks staged so far (the last one zero-padded) and keeps that last block.
  void stage(std::span<const std::uint8_t> bytes);
  void write_staged();
  std::size_t pad_staged();  // zeros to the next block boundary; returns the padded length
  void keep_last_block(std::uint64_t written_to);
  // The held bytes as a data record: copied when few, otherwise written in place.
  void log_held();
  void write_in_place(const record_frame& f, std::span<const std::uint8_t> payload);
  void write_at(std::initializer_list<iovec> parts, std::uint64_t at);
  void cut(std::size_t index, std::uint64_t offset, const std::string& why);
  void trim();
  void sync_loop();

  struct open_file {
    int fd;
    std::string path;
    std::uint64_t bytes = 0;  // the records' length, to cut the zero tail at a clean close
  };

  struct aligned_free {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };

  std::string dir_;
  std::int64_t interval_ms_;
  int lock_fd_ = -1;
  open_file out_{-1, {}};        // the segment appended to
  std::uint64_t out_bytes_ = 0;  // bytes written to it (more may be staged)
  std::uint64_t kicked_ = 0;     // of which the sync thread was asked to start writing
  std::span<const std::uint8_t> held_;  // data appended, not yet logged, in the caller's buffer
  payload_hasher held_hash_;
  std::unique_ptr<std::uint8_t[], aligned_free> stage_;  // block-aligned
  std::size_t staged_ = 0;        // bytes in stage_, from file offset stage_at_ (a block boundary)
  std::uint64_t stage_at_ = 0;
  std::uint64_t allocated_ = 0;   // the segment's preallocated length
  std::uint64_t writes_ = 0, written_bytes_ = 0;  // for the exit summary
  bool direct_ = true;            // O_DIRECT still to be tried (or in use)
  std::vector<segment> segments_;  // oldest first
  std::atomic<std::int64_t> covered_ms_;  // trim and roll up to here
  std::atomic<std::int64_t> newest_ms_;

  // Shared with the sync thread. It alone closes segments: those left behind, once synced, and the
  // last one as it stops.
  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;
  open_file synced_{-1, {}};           // the segment appended to
  std::vector<open_file> left_;        // segments left behind, not yet synced
  bool dir_changed_ = false;           // a segment was created since the last sync
  std::uint64_t write_from_ = 0, write_to_ = 0;  // of synced_: asked to start writing up to write_to_
  bool sync_wanted_ = false;
  bool stopping_ = false;
  std::string sync_error_;
  double sync_cpu_s_ = 0;  // the sync thread's CPU time, set as it stops
  std::thread syncer_;
};

}  // namespace wcs::wal
