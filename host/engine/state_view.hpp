#pragma once
// updateStateByKey(lambda new, old: sum(new, old or 0)): the running total of every word ever seen.
// Every batch outputs the whole state; totals only grow, so no key ever leaves it.
#include <memory>

#include "host/engine/view.hpp"
#include "host/tables/count_table.hpp"

namespace wcs {

class state_view final : public view {
 public:
  explicit state_view(std::unique_ptr<count_table> totals) : totals_(std::move(totals)) {}

  wcs::mode mode() const override { return mode::stateful; }
  bool apply(const batch_table& batch) override;
  const batch_table& output(batch_table& scratch) const override;
  const batch_table& output_top(std::size_t num, batch_table& scratch, std::size_t& records) const override;
  void mark_live(std::vector<bool>& live) const override;
  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) override;

  // For checkpoints.
  const count_table& totals() const { return *totals_; }
  count_table& totals() { return *totals_; }

 private:
  std::unique_ptr<count_table> totals_;
};

}  // namespace wcs
