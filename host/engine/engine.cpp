#include "host/engine/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "host/engine/record_order.hpp"
#include "host/sink/batch_time.hpp"
#include "host/sink/pprint_sink.hpp"

namespace wcs {
namespace {

double ms_since(steady_time t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

engine::engine(backend& backend, view_setup setup, engine_config config)
    : backend_(backend), config_(std::move(config)), dict_(std::move(setup.words)), checkpoint_(std::move(setup.checkpoint)) {
  const bool several = setup.views.size() > 1;
  for (auto& v : setup.views) {
    view_slot slot{std::move(v), nullptr};
    if (!config_.output_prefix.empty()) {
      slot.files = std::make_unique<text_file_sink>(config_.output_prefix, several ? std::string(slot.v->mode()) : std::string());
    }
    views_.push_back(std::move(slot));
  }
}

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
  sample_vocabulary();
  for (auto& slot : views_) {
    if (slot.v->apply(batch_)) emit(slot, e.batch_ms);
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

void engine::emit(view_slot& slot, std::int64_t batch_ms) {
  const batch_table& table = slot.v->output(output_scratch_);
  // pprint shows only the first `num`; a text file needs every record in order.
  if (slot.files) {
    records_.clear();
    records_.reserve(table.size());
    for (std::size_t i = 0; i < table.size(); ++i) records_.push_back({dict_.word(table.ids[i]), table.counts[i]});
    order_records(records_);
  } else {
    top_records(table, [&](std::uint32_t id) { return dict_.word(id); }, config_.num, records_);
  }
  text_.clear();
  append_pprint(text_, batch_ms, records_, table.size(), config_.num);
  // A closed stdout (`wcstream | head`) ends the run, as Python's BrokenPipeError would, instead of
  // counting on with nowhere to print.
  if (std::fwrite(text_.data(), 1, text_.size(), config_.out) != text_.size() || std::fflush(config_.out) != 0) {
    throw std::runtime_error(fmt::format("cannot write the output: {}", std::strerror(errno)));
  }
  if (slot.files) slot.files->write_batch(batch_ms, records_);
  if (config_.observer) {
    const std::size_t shown = std::min(records_.size(), config_.num);
    config_.observer->view_output(batch_ms, slot.v->mode(), std::span(records_).first(shown), table.size());
  }
}

void engine::sample_vocabulary() {
  // Only compaction reads the reuse, comparing with the batch before's sample: below half the threshold
  // the dictionary is not near a compaction, and a batch costs no sample.
  if (dict_.size() * 2 < compact_at_) {
    vocabulary_sample_.clear();
    reuse_ = 0;
    return;
  }
  // Sampled by hash (its top 6 bits zero: 1 word in 64), so a word of two batches is in both samples.
  constexpr unsigned sample_shift = 58;
  std::vector<std::uint64_t> sample;
  for (const std::uint32_t id : batch_.ids) {
    if (const std::uint64_t h = dict_.hash(id); h >> sample_shift == 0) sample.push_back(h);
  }
  std::sort(sample.begin(), sample.end());
  const auto reused = std::count_if(sample.begin(), sample.end(), [&](std::uint64_t h) {
    return std::binary_search(vocabulary_sample_.begin(), vocabulary_sample_.end(), h);
  });
  reuse_ = sample.empty() ? 0 : static_cast<double>(reused) / static_cast<double>(sample.size());
  vocabulary_sample_.swap(sample);
}

void engine::compact_if_needed() {
  if (dict_.size() < compact_at_) return;
  std::vector<bool> live(dict_.size(), false);
  for (const auto& slot : views_) slot.v->mark_live(live);
  // When the stream reuses most of its vocabulary from batch to batch, the batch just closed keeps its
  // words too: otherwise a stateless stream with more distinct words per batch than the threshold
  // emptied the dictionary, and voided the worker tables' ids, after every batch. When the vocabulary
  // moves on (a long tail of words seen once), starting empty costs less than carrying the words.
  if (reuse_ >= 0.5) {
    for (const std::uint32_t id : batch_.ids) live[id] = true;
  }
  const std::size_t before = dict_.size();
  // Nothing to drop (a stateful stream keeps every word): renumbering would only void the ids the
  // backend caches, so only the threshold moves.
  if (static_cast<std::size_t>(std::count(live.begin(), live.end(), true)) != before) {
    const std::vector<std::uint32_t> remap = dict_.compact(live);
    spdlog::debug("dictionary compacted: {} -> {} words (the last batch reused {:.0f}% of its sampled words)", before,
                  dict_.size(), 100 * reuse_);
    for (auto& slot : views_) slot.v->remap(remap, dict_.size());
    ++totals_.compactions;
  }
  compact_at_ = std::max(min_compact_at, 2 * dict_.size());
}

}  // namespace wcs
