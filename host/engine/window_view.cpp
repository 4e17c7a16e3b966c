#include "host/engine/window_view.hpp"

#include <stdexcept>

namespace wcs {

window_view::window_view(std::unique_ptr<count_table> sums, window_spec spec)
    : sums_(std::move(sums)), spec_(spec), length_(static_cast<std::size_t>(spec.window_ms / spec.clock.batch_ms)) {}

bool window_view::apply(const batch_table& batch) {
  batch_table leaving;
  const bool full = retained_.size() == length_;
  if (full) {
    leaving = std::move(retained_.front());
    retained_.pop_front();
  }
  if (spec_.inverse) {
    sums_->apply(batch, +1);
    if (full) sums_->apply(leaving, -1);
  }
  // The leaving table's buffers hold the entering copy; the backend's device copy is shared, not copied.
  leaving.assign(batch);
  retained_.push_back(std::move(leaving));

  const bool due = spec_.clock.period_ends(batch.batch_ms, spec_.slide_ms);
  if (due && !spec_.inverse) recompute();
  return due;
}

void window_view::recompute() {
  sums_->upload({}, {});  // empties the table
  for (const batch_table& b : retained_) sums_->apply(b, +1);
}

const batch_table& window_view::output(batch_table& scratch) const {
  sums_->collect(scratch, spec_.keep_zero);
  return scratch;
}

const batch_table& window_view::output_top(std::size_t num, batch_table& scratch, std::size_t& records) const {
  records = sums_->collect_top(scratch, num, spec_.keep_zero);
  return scratch;
}

void window_view::mark_live(std::vector<bool>& live) const {
  sums_->mark_live(live, spec_.keep_zero);
  for (const batch_table& b : retained_) {
    for (const std::uint32_t id : b.host().ids) live[id] = true;
  }
}

void window_view::remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) {
  sums_->remap(old_to_new, new_size);
  // The retained batches' ids were all marked live (which fetched their host copies). Their device
  // copies keep the old ids: dropped, so these batches are uploaded (once each) when they leave the
  // window or it is recomputed.
  for (batch_table& b : retained_) {
    for (std::uint32_t& id : b.edit_host().ids) id = old_to_new[id];
  }
}

void window_view::restore(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched,
                          std::vector<batch_table> retained) {
  if (retained.size() > length_) throw std::invalid_argument("window_view: more retained batches than a window holds");
  sums_->upload(counts, touched);
  retained_.assign(std::make_move_iterator(retained.begin()), std::make_move_iterator(retained.end()));
}

}  // namespace wcs
