#pragma once
// reduceByKeyAndWindow(+, -, window, slide): the counts of the batches in (t - window, t], output at
// the batch times t where a slide ends on the batch clock. The view retains the window's batch tables (a
// ring of window / batch of them, with their device copies on the CUDA backend, so a leaving batch is
// subtracted where it was made) and keeps the window sums in a count_table. With the inverse, each
// batch adds the entering batch and subtracts the leaving one; without it (invFunc=None), each output
// recomputes the sums from the retained tables. Both give the same numbers; only the update differs.
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "host/engine/view.hpp"
#include "host/tables/count_table.hpp"
#include "ingest/core/batch_clock.hpp"

namespace wcs {

struct window_spec {
  batch_clock clock;
  std::int64_t window_ms = 20000;
  std::int64_t slide_ms = 10000;
  bool inverse = true;
  // Keep words whose windowed count fell to 0, as PySpark's incremental window does (inverse only:
  // a recomputed window never holds a zero).
  bool keep_zero = false;
};

class window_view final : public view {
 public:
  window_view(std::unique_ptr<count_table> sums, window_spec spec);

  wcs::mode mode() const override { return mode::window; }
  bool apply(const batch_table& batch) override;
  const batch_table& output(batch_table& scratch) const override;
  const batch_table& output_top(std::size_t num, batch_table& scratch, std::size_t& records) const override;
  void mark_live(std::vector<bool>& live) const override;
  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) override;

  // For checkpoints: the window sums and the retained batches, oldest first.
  const count_table& sums() const { return *sums_; }
  const std::deque<batch_table>& retained() const { return retained_; }
  void restore(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched,
               std::vector<batch_table> retained);

 private:
  void recompute();

  std::unique_ptr<count_table> sums_;
  window_spec spec_;
  std::size_t length_;  // batches per window
  std::deque<batch_table> retained_;
};

}  // namespace wcs
