#include "ingest/core/line_cutter.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>

namespace wcs {

line_cutter::line_cutter(batch_policy policy, std::size_t piece_bytes)
    : policy_(policy), piece_bytes_(piece_bytes), lines_left_(policy.lines_per_batch), next_batch_ms_(policy.first_batch_ms) {}

void line_cutter::count_pieces(const std::uint8_t* p, std::size_t n) {
  constexpr std::uint64_t no_limit = std::numeric_limits<std::uint64_t>::max();
  const std::size_t pieces = (n + piece_bytes_ - 1) / piece_bytes_;
  counts_.assign(pieces, 0);
  // A piece's state is the byte before it, so pieces count on their own.
  const auto count = [&](std::size_t i) {
    const std::size_t begin = i * piece_bytes_;
    bool after_cr = begin == 0 ? after_cr_ : p[begin - 1] == '\r';
    counts_[i] = scanner_.scan_from(p + begin, std::min(piece_bytes_, n - begin), no_limit, after_cr).lines;
  };
  if (pieces == 1) {
    count(0);
  } else {
    tbb::parallel_for(std::size_t{0}, pieces, count);
  }
  ends_before_.assign(pieces + 1, 0);
  for (std::size_t i = 0; i < pieces; ++i) ends_before_[i + 1] = ends_before_[i] + counts_[i];
}

void line_cutter::emit_chunk(const ingest_event& e, std::size_t from, std::size_t to, std::uint64_t lines, bool last) {
  if (to == from && lines == 0 && !last) return;
  ingest_event piece = e;
  piece.buffer = last ? e.buffer : nullptr;
  piece.data = e.data + from;
  piece.bytes = to - from;
  piece.lines = lines;
  piece.lines_counted = true;
  out_.push_back(piece);
  open_ = open_ || piece.bytes != 0 || lines != 0;
}

void line_cutter::emit_batch_end(const ingest_event& e) {
  ingest_event end{ingest_event::kind::batch_end, nullptr, nullptr, 0, 0, next_batch_ms_, e.at};
  out_.push_back(end);
  next_batch_ms_ += policy_.interval_ms;
  lines_left_ = policy_.lines_per_batch;
  open_ = false;
}

const std::vector<ingest_event>& line_cutter::cut(const ingest_event& e) {
  out_.clear();
  if (e.lines_counted) {
    out_.push_back(e);
    if (e.what == ingest_event::kind::chunk) open_ = open_ || e.bytes != 0 || e.lines != 0;
    if (e.what == ingest_event::kind::batch_end) open_ = false;
    return out_;
  }
  if (e.what == ingest_event::kind::batch_end) {
    // A batch of fewer lines than --batch-lines closes only at the stream's end, and only if it holds
    // anything (the ingest thread's rule for a stream's last batch).
    if (open_) emit_batch_end(e);
    return out_;
  }
  const std::size_t n = e.bytes;
  count_pieces(e.data, n);
  const std::uint64_t ends = ends_before_.back();
  // Cut after line end number `emitted + lines_left_` of the chunk while the chunk holds that many lines;
  // `extra`, a line the stream's end completes, ends at n.
  std::size_t from = 0;
  std::uint64_t emitted = 0;  // line ends in [0, from)
  std::uint64_t extra = e.lines;
  bool after_cr = after_cr_;  // the state at `from`
  for (;;) {
    const std::uint64_t rest = ends - emitted + extra;
    if (policy_.lines_per_batch == 0 || rest < lines_left_) {
      emit_chunk(e, from, n, rest, true);
      if (policy_.lines_per_batch != 0) lines_left_ -= rest;
      break;
    }
    const std::uint64_t target = emitted + lines_left_;
    std::size_t to = n;
    if (target <= ends) {
      // The piece holding line end number `target`, scanned up to it from `from` or the piece's start.
      const auto first_end = ends_before_.begin() + 1;
      const auto i = static_cast<std::size_t>(std::lower_bound(first_end, ends_before_.end(), target) - first_end);
      const std::size_t begin = std::max(i * piece_bytes_, from);
      const std::uint64_t before = begin == from ? emitted : ends_before_[i];
      if (begin != from) after_cr = e.data[begin - 1] == '\r';
      const std::size_t end = std::min((i + 1) * piece_bytes_, n);
      to = begin + scanner_.scan_from(e.data + begin, end - begin, target - before, after_cr).stopped_at;
      emitted = target;
    } else {
      emitted = ends;
      extra = 0;
    }
    const bool last = to == n && ends - emitted + extra == 0;
    emit_chunk(e, from, to, lines_left_, last);
    emit_batch_end(e);
    if (last) break;
    from = to;
  }
  after_cr_ = e.lines != 0 ? false : n != 0 ? e.data[n - 1] == '\r' : after_cr_;
  return out_;
}

}  // namespace wcs
