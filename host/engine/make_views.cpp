#include "host/engine/make_views.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

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
  }
  return setup;
}

}  // namespace wcs
