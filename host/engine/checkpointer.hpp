#pragma once
// The engine's checkpoint hook, called after each batch's outputs are written: the checkpoint follows
// the outputs, so after a crash an output may exist for a batch the checkpoint does not hold; that
// batch is run again on restart and its output rewritten, as in Spark's recovery. The checkpoint is
// serialized on the engine's thread and written on checkpoint_writer's.
#include <cstdint>
#include <functional>

#include "host/checkpoint/checkpoint_writer.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"
#include "ingest/core/batch_clock.hpp"

namespace wcs {

class checkpointer {
 public:
  // Checkpoints the batches where a period of every_ms ends on `clock`. The views must outlive this.
  checkpointer(checkpoint_store store, checkpoint_params params, batch_clock clock, std::int64_t every_ms,
               const state_view* state, const window_view* window);

  // Batch `batch_ms` was applied to every view and its outputs written. Throws when a checkpoint
  // write failed.
  void batch_done(std::int64_t batch_ms, const dictionary& words);
  // The stream ended cleanly: checkpoints the last batch unless already done, and waits until it is
  // durable.
  void stream_done(const dictionary& words);
  // Waits until the checkpoint in flight is durable.
  void wait() { writer_.wait(); }
  // Checkpoints made durable since start.
  std::uint64_t written() const { return writer_.written(); }
  // Called, on the writer's thread, with the last batch of each checkpoint once it is durable (the
  // write-ahead log trims what it holds).
  void on_written(std::function<void(std::int64_t)> f) { writer_.on_durable(std::move(f)); }

 private:
  void write(const dictionary& words);

  checkpoint_meta meta_;
  batch_clock clock_;
  std::int64_t every_ms_;
  checkpoint_tables tables_;
  bool pending_ = false;  // a batch was applied since the last checkpoint
  checkpoint_writer writer_;  // last: its thread stops before the members it may read go
};

// Puts a checkpoint's tables back into freshly made views (the dictionary goes to the engine).
void restore_views(checkpoint_state& s, state_view* state, window_view* window);

}  // namespace wcs
