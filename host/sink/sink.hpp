#pragma once
// Where a view's output goes. The engine hands every sink each output of each view, in batch order and,
// within a batch, in the order of the modes; a sink owns its destination, its record order and its
// errors (it throws std::runtime_error with one line when it cannot write).
#include <cstdint>

#include "host/stream/stream_spec.hpp"
#include "host/tables/batch_table.hpp"
#include "host/tables/dictionary.hpp"

namespace wcs {

// One output of one view: `table` holds one entry per word, in no order, ids into `words`.
struct view_output {
  std::int64_t batch_ms;
  mode view;
  const batch_table& table;
  const dictionary& words;
};

class sink {
 public:
  virtual ~sink() = default;
  virtual void write(const view_output& out) = 0;
};

}  // namespace wcs
