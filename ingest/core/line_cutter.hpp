#pragma once
// Counts a mapped source's lines, and cuts its batches by line count, on the engine's threads.
// The ingest thread hands a mapped file out in chunks that end at line ends without reading every byte
// (lines_counted false): on 2 cores its line scan took CPU the workers needed (KJV, 2 threads, one
// batch: 31.8 against 28.6 ms without it). Here a chunk's line ends are counted in parallel pieces right
// before its words are, and the chunk is split where a batch of --batch-lines ends, with the same cuts
// and counts the ingest thread makes for a stream.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ingest/core/batch_policy.hpp"
#include "ingest/core/ingest_events.hpp"
#include "ingest/core/line_scanner.hpp"

namespace wcs {

class line_cutter {
 public:
  // piece_bytes: the bytes one task counts (tests make it small to put piece edges everywhere).
  explicit line_cutter(batch_policy policy, std::size_t piece_bytes = 64 * 1024);

  // The events that replace e, in order, all with lines counted (valid until the next call):
  //  - a chunk whose lines are not counted: its pieces, with batch ends where a batch is full; the
  //    chunk's ring buffer goes with its last piece (the others carry none);
  //  - a batch end at the stream's end: that batch end with its time, if the open batch holds anything;
  //  - any other event: itself.
  const std::vector<ingest_event>& cut(const ingest_event& e);

 private:
  // counts_[i]: line ends in the i-th piece of p[0, n); ends_before_[i]: in the pieces before it.
  void count_pieces(const std::uint8_t* p, std::size_t n);
  void emit_chunk(const ingest_event& e, std::size_t from, std::size_t to, std::uint64_t lines, bool last);
  void emit_batch_end(const ingest_event& e);

  batch_policy policy_;
  std::size_t piece_bytes_;
  line_scanner scanner_;
  bool after_cr_ = false;             // the byte before the next chunk was a '\r'
  std::uint64_t lines_left_;          // lines until the open batch is full (by line count)
  std::int64_t next_batch_ms_;        // the open batch's time (by line count)
  bool open_ = false;                 // the open batch holds a line or a byte
  std::vector<std::uint64_t> counts_;
  std::vector<std::uint64_t> ends_before_;
  std::vector<ingest_event> out_;
};

}  // namespace wcs
