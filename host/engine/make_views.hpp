#pragma once
// Builds the views a stream spec asks for, restoring them from the checkpoint when one exists
// (StreamingContext.getOrCreate).
#include <cstdint>
#include <memory>
#include <vector>

#include "host/engine/checkpointer.hpp"
#include "host/engine/view.hpp"
#include "host/stream/stream_spec.hpp"
#include "host/tables/dictionary.hpp"
#include "ingest/core/batch_clock.hpp"

namespace wcs {

class backend;

struct view_setup {
  std::vector<std::unique_ptr<view>> views;  // in the order of spec.modes
  batch_clock clock;                 // the batch time grid: from the clock, or resumed from a checkpoint
  std::int64_t first_batch_ms = 0;   // the next batch to run: clock's first, or the one after the checkpoint
  dictionary words{};                // the restored dictionary the views' ids refer to (empty: fresh start)
  std::unique_ptr<checkpointer> checkpoint{};  // null without a checkpoint directory
};

// Throws std::runtime_error when the checkpoint directory holds checkpoints that are all invalid or were
// made with other parameters.
view_setup make_views(const stream_spec& spec, backend& b);

}  // namespace wcs
