#pragma once
// Builds the views the command line asks for, restoring them from the checkpoint when one exists
// (StreamingContext.getOrCreate) and opening the write-ahead log replayed onto it.
#include <cstdint>
#include <memory>
#include <vector>

#include "host/cli/options.hpp"
#include "host/engine/checkpoint.hpp"
#include "host/engine/dictionary.hpp"
#include "host/engine/view.hpp"
#include "ingest/wal/write_ahead_log.hpp"

namespace wcs {

class backend;

struct view_setup {
  std::vector<std::unique_ptr<view>> views;
  std::int64_t first_batch_ms = 0;  // the batch time grid: from the clock, or resumed from a checkpoint
  dictionary words{};               // the restored dictionary the views' ids refer to (empty: fresh start)
  std::unique_ptr<checkpointer> checkpoint{};  // null without --checkpoint
  std::unique_ptr<wal::write_ahead_log> log{};  // null without a write-ahead log; the receiver replays it
};

// Throws std::runtime_error when the checkpoint directory holds checkpoints that are all invalid or were
// made with other parameters.
view_setup make_views(const options& o, backend& b);

}  // namespace wcs
