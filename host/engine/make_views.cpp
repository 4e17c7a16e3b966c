#include "host/engine/make_views.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "host/backend/backend.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"
#include "ingest/core/receiver.hpp"

namespace wcs {

view_setup make_views(const options& o, backend& b) {
  view_setup setup;
  setup.first_batch_ms = o.start_ms >= 0 ? o.start_ms : first_batch_after(wall_clock_ms(), o.batch_ms);
  std::int64_t zero_ms = setup.first_batch_ms - o.batch_ms;

  std::optional<checkpoint_store> store;
  std::optional<checkpoint_state> saved;
  const checkpoint_params params = checkpoint_params_of(o);
  if (!o.checkpoint.empty()) {
    store.emplace(o.checkpoint);
    saved = store->load();
  }
  if (saved) {
    if (saved->meta.params != params) {
      throw std::runtime_error(fmt::format(
          "the checkpoint in {} was made with {}; this run asks for {}: run with the same parameters or another "
          "--checkpoint directory",
          o.checkpoint, describe(saved->meta.params), describe(params)));
    }
    // Resume the original time grid after the last checkpointed batch; the receiver runs the batches
    // missed while down at once (empty), as Spark does.
    zero_ms = saved->meta.zero_ms;
    setup.first_batch_ms = saved->meta.last_batch_ms + o.batch_ms;
    setup.words = std::move(saved->words);
    spdlog::info("resuming from the checkpoint of batch {} in {}: {} words", saved->meta.last_batch_ms, o.checkpoint,
                 setup.words.size());
  }
  if (!o.wal.empty()) {
    setup.log = std::make_unique<wal::write_ahead_log>(o.wal, o.batch_ms);
    if (const auto logged = setup.log->first_batch_ms()) {
      if (!saved) {
        // A crash before the first checkpoint: the log holds the stream from its first batch on.
        setup.first_batch_ms = *logged;
        zero_ms = *logged - o.batch_ms;
      } else if ((*logged - zero_ms) % o.batch_ms != 0) {
        throw std::runtime_error(fmt::format("the write-ahead log in {} does not belong to the checkpoint in {} (other batch "
                                             "times): move it away or run with --no-wal",
                                             o.wal, o.checkpoint));
      }
      spdlog::info("replaying the write-ahead log in {} from batch {}", o.wal, std::max(*logged, setup.first_batch_ms));
    }
    // The checkpoint holds every batch before the first one this run makes.
    setup.log->checkpointed(setup.first_batch_ms - o.batch_ms);
  }

  state_view* state = nullptr;
  window_view* window = nullptr;
  for (const auto& m : o.modes) {
    if (m == "stateless") {
      setup.views.push_back(std::make_unique<stateless_view>());
    } else if (m == "stateful") {
      auto v = std::make_unique<state_view>(b.make_count_table());
      state = v.get();
      setup.views.push_back(std::move(v));
    } else if (m == "window") {
      const window_spec spec{o.batch_ms, o.window_ms, o.slide_ms, zero_ms, !o.no_inverse, o.keep_zero};
      auto v = std::make_unique<window_view>(b.make_count_table(), spec);
      window = v.get();
      setup.views.push_back(std::move(v));
    } else {
      throw std::logic_error("make_views: unknown mode " + m);
    }
  }
  if (saved) restore_views(*saved, state, window);
  if (store) {
    const std::int64_t every_ms =
        o.checkpoint_every_ms != 0 ? o.checkpoint_every_ms : default_checkpoint_interval_ms(o.batch_ms);
    setup.checkpoint = std::make_unique<checkpointer>(std::move(*store), params, zero_ms, every_ms, state, window);
    if (wal::write_ahead_log* log = setup.log.get()) setup.checkpoint->on_written([log](std::int64_t ms) { log->checkpointed(ms); });
  }
  return setup;
}

}  // namespace wcs
