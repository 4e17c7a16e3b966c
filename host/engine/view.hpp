#pragma once
// A view is one DStream output over the shared batch tables: per batch (reduceByKey), running totals
// (updateStateByKey) or a sliding window (reduceByKeyAndWindow). One ingest feeds all views.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "host/stream/stream_spec.hpp"
#include "host/tables/batch_table.hpp"

namespace wcs {

class view {
 public:
  virtual ~view() = default;
  // Names the view in logs and output suffixes.
  virtual wcs::mode mode() const = 0;

  // Applies one batch (every batch, in time order). Returns whether the view outputs at this batch time.
  virtual bool apply(const batch_table& batch) = 0;

  // The records of the output announced by the last apply: one entry per word, in no order. Either
  // `scratch`, filled, or a table the view already holds (valid until the next apply).
  virtual const batch_table& output(batch_table& scratch) const = 0;

  // The entries of that output that may be among its first `num` records in record order (see
  // count_table::collect_top), the same way; `records` is set to how many records the output holds.
  // All of them unless the view's table (or batch) lives in device memory.
  virtual const batch_table& output_top(std::size_t /*num*/, batch_table& scratch, std::size_t& records) const {
    const batch_table& all = output(scratch);
    records = all.size();
    return all;
  }

  // Sets live[id] for every dictionary id this view still needs after the last apply.
  virtual void mark_live(std::vector<bool>& live) const = 0;

  // The dictionary was compacted to `new_size` words: id i is now old_to_new[i] (never no_id for a
  // live id).
  virtual void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) = 0;
};

// reduceByKey(+).pprint(): each batch's own counts.
class stateless_view final : public view {
 public:
  wcs::mode mode() const override { return mode::stateless; }
  bool apply(const batch_table& batch) override {
    last_ = &batch;
    return true;
  }
  const batch_table& output(batch_table&) const override { return *last_; }
  // A batch left in device memory sends only the entries that can place.
  const batch_table& output_top(std::size_t num, batch_table& scratch, std::size_t& records) const override {
    records = last_->size();
    return last_->top(num, scratch);
  }
  void mark_live(std::vector<bool>&) const override {}
  void remap(std::span<const std::uint32_t>, std::size_t) override {}

 private:
  const batch_table* last_ = nullptr;
};

}  // namespace wcs
