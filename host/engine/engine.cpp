#include "host/engine/engine.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "host/engine/view_records.hpp"
#include "host/sink/batch_time.hpp"

namespace wcs {
namespace {

double ms_since(steady_time t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

engine::engine(backend& backend, view_setup setup, engine_config config)
    : backend_(backend), views_(std::move(setup.views)), config_(std::move(config)), dict_(std::move(setup.words)),
      checkpoint_(std::move(setup.checkpoint)) {}

void engine::run(event_queue& events, chunk_ring& ring) {
  for (;;) {
    const ingest_event e = events.pop();
    if (e.what == ingest_event::kind::finished) {
      finished_ = true;
      if (checkpoint_) checkpoint_->stream_done(dict_);
      return;
    }
    if (e.what == ingest_event::kind::batch_end) {
      close_batch(e);
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      if (e.bytes != 0) backend_.add_chunk({e.data, e.bytes});
    } catch (...) {
      ring.release(e.buffer);
      throw;
    }
    ring.release(e.buffer);
    batch_lines_ += e.lines;
    batch_bytes_ += e.bytes;
    batch_busy_ms_ += ms_since(start);
  }
}

void engine::drain(event_queue& events, chunk_ring& ring) {
  while (!finished_) {
    const ingest_event e = events.pop();
    if (e.what == ingest_event::kind::chunk) ring.release(e.buffer);
    finished_ = e.what == ingest_event::kind::finished;
  }
}

void engine::close_batch(const ingest_event& e) {
  if (config_.check_input) config_.check_input();
  const auto start = std::chrono::steady_clock::now();
  const double scheduling_delay_ms = ms_since(e.at);
  const std::uint64_t words = backend_.finish_batch(dict_, batch_);
  batch_.batch_ms = e.batch_ms;
  dict_policy_.sample(dict_, batch_);
  for (const auto& v : views_) {
    if (v->apply(batch_)) emit(*v, e.batch_ms);
  }
  compact_if_needed();
  if (checkpoint_) checkpoint_->batch_done(e.batch_ms, dict_);

  const double processing_ms = batch_busy_ms_ + ms_since(start);
  spdlog::info("batch {} ({}): {} lines, {} words, {} distinct, {:.2f} MB, processing {:.2f} ms, scheduling delay {:.1f} ms",
               e.batch_ms, format_batch_time(e.batch_ms), batch_lines_, words, batch_.size(), batch_bytes_ / 1e6,
               processing_ms, scheduling_delay_ms);
  if (config_.observer) {
    config_.observer->batch_closed({e.batch_ms, batch_lines_, words, batch_.size(), batch_bytes_, processing_ms / 1e3,
                                    scheduling_delay_ms / 1e3, dict_.size(), checkpoint_ ? checkpoint_->written() : 0});
  }
  ++totals_.batches;
  totals_.lines += batch_lines_;
  totals_.words += words;
  totals_.bytes += batch_bytes_;
  batch_lines_ = 0;
  batch_bytes_ = 0;
  batch_busy_ms_ = 0;
}

void engine::emit(const view& v, std::int64_t batch_ms) {
  const view_records records(v, top_scratch_, output_scratch_);
  const view_output out{batch_ms, v.mode(), records, dict_};
  for (const auto& s : config_.sinks) s->write(out);
}

void engine::compact_if_needed() {
  if (!dict_policy_.due(dict_)) return;
  std::vector<bool> live(dict_.size(), false);
  for (const auto& v : views_) v->mark_live(live);
  const std::vector<std::uint32_t> remap = dict_policy_.compact(dict_, batch_, live);
  if (remap.empty()) return;
  for (const auto& v : views_) v->remap(remap, dict_.size());
  ++totals_.compactions;
}

}  // namespace wcs
