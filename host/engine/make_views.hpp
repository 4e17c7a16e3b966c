#pragma once
// Builds the views the command line asks for, restoring them from the checkpoint when one exists.
#include <cstdint>
#include <memory>
#include <vector>

#include "host/cli/options.hpp"
#include "host/engine/view.hpp"

namespace wcs {

struct view_setup {
  std::vector<std::unique_ptr<view>> views;
  std::int64_t first_batch_ms = 0;  // the batch time grid: from the clock, or resumed from a checkpoint
};

view_setup make_views(const options& o);

}  // namespace wcs
