#include "host/engine/state_view.hpp"

namespace wcs {

bool state_view::apply(const batch_table& batch) {
  totals_->apply(batch, +1);
  return true;
}

// A total is never 0 (every key entered with a positive count), so keep_zero changes nothing here.
const batch_table& state_view::output(batch_table& scratch) const {
  totals_->collect(scratch, false);
  return scratch;
}

const batch_table& state_view::output_top(std::size_t num, batch_table& scratch, std::size_t& records) const {
  records = totals_->collect_top(scratch, num, false);
  return scratch;
}

void state_view::mark_live(std::vector<bool>& live) const { totals_->mark_live(live, false); }

void state_view::remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) {
  totals_->remap(old_to_new, new_size);
}

}  // namespace wcs
