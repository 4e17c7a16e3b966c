#pragma once
// The records of a view's output as the sinks ask for them (output_records): each part is fetched from
// the view once, on first demand, then shared by every sink of the output. A view on the host hands
// over its whole output for either question; a view in device memory answers top(num) with the few
// entries that can place, and all() with every record.
#include <cstddef>

#include "host/engine/view.hpp"
#include "host/sink/sink.hpp"

namespace wcs {

class view_records final : public output_records {
 public:
  // The scratch tables receive what the view copies back; they outlive this.
  view_records(const view& v, batch_table& top_scratch, batch_table& all_scratch)
      : view_(v), top_scratch_(top_scratch), all_scratch_(all_scratch) {}

  std::size_t size() const override {
    if (all_ != nullptr) return all_->size();
    if (top_ == nullptr) top(0);
    return records_;
  }

  const batch_table& top(std::size_t num) const override {
    if (all_ != nullptr) return *all_;
    if (top_ == nullptr || num > top_num_) {
      top_ = &view_.output_top(num, top_scratch_, records_);
      top_num_ = num;
    }
    return *top_;
  }

  const batch_table& all() const override {
    // A top() that returned every record already is the whole output.
    if (all_ == nullptr) all_ = top_ != nullptr && top_->size() == records_ ? top_ : &view_.output(all_scratch_);
    return *all_;
  }

 private:
  const view& view_;
  batch_table& top_scratch_;
  batch_table& all_scratch_;
  mutable const batch_table* top_ = nullptr;
  mutable const batch_table* all_ = nullptr;
  mutable std::size_t top_num_ = 0;
  mutable std::size_t records_ = 0;
};

}  // namespace wcs
