#include "host/engine/checkpointer.hpp"

#include <utility>

namespace wcs {

checkpointer::checkpointer(checkpoint_store store, checkpoint_params params, batch_clock clock, std::int64_t every_ms,
                           const state_view* state, const window_view* window)
    : meta_{params, clock.zero_ms, clock.zero_ms}, clock_(clock), every_ms_(every_ms), writer_(std::move(store)) {
  if (state != nullptr) tables_.totals = &state->totals();
  if (window != nullptr) {
    tables_.sums = &window->sums();
    tables_.retained = &window->retained();
  }
}

void checkpointer::batch_done(std::int64_t batch_ms, const dictionary& words) {
  meta_.last_batch_ms = batch_ms;
  pending_ = true;
  if (clock_.period_ends(batch_ms, every_ms_)) {
    write(words);
  } else {
    writer_.check();
  }
}

void checkpointer::stream_done(const dictionary& words) {
  if (pending_) write(words);
  writer_.wait();
}

void checkpointer::write(const dictionary& words) {
  writer_.submit(meta_.last_batch_ms, encode_checkpoint(meta_, words, tables_));
  pending_ = false;
}

void restore_views(checkpoint_state& s, state_view* state, window_view* window) {
  if (state != nullptr) state->totals().upload(s.totals.counts, s.totals.touched);
  if (window != nullptr) window->restore(s.sums.counts, s.sums.touched, std::move(s.retained));
}

}  // namespace wcs
