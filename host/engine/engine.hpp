#pragma once
// The scheduler: consumes the ingest events in order, feeds chunks to the backend as they arrive
// (so a batch is mostly counted before its boundary), and at each batch end applies the views, hands
// their outputs to the sinks, then checkpoints (outputs first: see checkpointer) and logs the batch
// statistics.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/engine/batch_observer.hpp"
#include "host/engine/checkpointer.hpp"
#include "host/engine/make_views.hpp"
#include "host/engine/view.hpp"
#include "host/sink/sink.hpp"
#include "host/tables/dictionary.hpp"
#include "host/tables/dictionary_policy.hpp"
#include "ingest/core/chunk_ring.hpp"
#include "ingest/core/ingest_events.hpp"

namespace wcs {

struct engine_config {
  std::vector<std::unique_ptr<sink>> sinks;  // each gets every view output, in this order
  // Called before each batch is closed; throws when its input turned out unreadable after it was cut
  // into chunks (a mapped file that shrank: see byte_source::check), so no such batch is emitted.
  std::function<void()> check_input;
  batch_observer* observer = nullptr;  // live statistics (the UI); none: nothing is published
};

struct engine_totals {
  std::uint64_t batches = 0;
  std::uint64_t lines = 0;
  std::uint64_t words = 0;
  std::uint64_t bytes = 0;
  std::uint64_t compactions = 0;  // of the dictionary
};

class engine {
 public:
  // Starts from make_views' setup: its views, restored dictionary and checkpointer.
  engine(backend& backend, view_setup setup, engine_config config);

  // Runs until the ingest thread reports the end of the stream.
  void run(event_queue& events, chunk_ring& ring);
  // After run() threw (e.g. a checkpoint write failed) and the receiver was asked to stop: gives the
  // queued buffers back until the ingest thread finishes, so it is never left waiting for one.
  void drain(event_queue& events, chunk_ring& ring);

  const engine_totals& totals() const { return totals_; }

 private:
  void close_batch(const ingest_event& e);
  void emit(const view& v, std::int64_t batch_ms);
  void compact_if_needed();

  backend& backend_;
  std::vector<std::unique_ptr<view>> views_;
  engine_config config_;
  dictionary dict_;
  dictionary_policy dict_policy_;
  std::unique_ptr<checkpointer> checkpoint_;
  bool finished_ = false;  // the ingest thread's last event was taken
  batch_table batch_;
  batch_table top_scratch_;     // what views copy back for sinks (view_records)
  batch_table output_scratch_;
  engine_totals totals_;

  // Statistics of the open batch.
  std::uint64_t batch_lines_ = 0;
  std::uint64_t batch_bytes_ = 0;
  double batch_busy_ms_ = 0;
};

}  // namespace wcs
