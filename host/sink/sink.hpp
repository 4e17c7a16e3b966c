#pragma once
// Where a view's output goes. The engine hands every sink each output of each view, in batch order and,
// within a batch, in the order of the modes; a sink owns its destination, its record order and its
// errors (it throws std::runtime_error with one line when it cannot write).
#include <cstddef>
#include <cstdint>

#include "host/stream/stream_spec.hpp"
#include "host/tables/batch_table.hpp"
#include "host/tables/dictionary.hpp"

namespace wcs {

// The records of one output as (id, count) entries, one per word, in no order. A sink asks for what it
// writes, so a table in device memory sends the host only that.
class output_records {
 public:
  virtual ~output_records() = default;
  // How many records the output holds.
  virtual std::size_t size() const = 0;
  // Entries holding the first `num` records in record order, and maybe more (top_records picks them).
  virtual const batch_table& top(std::size_t num) const = 0;
  // Every record.
  virtual const batch_table& all() const = 0;
};

// One output of one view, ids into `words`.
struct view_output {
  std::int64_t batch_ms;
  mode view;
  const output_records& records;
  const dictionary& words;
};

class sink {
 public:
  virtual ~sink() = default;
  virtual void write(const view_output& out) = 0;
};

}  // namespace wcs
