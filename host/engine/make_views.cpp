#include "host/engine/make_views.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <stdexcept>

#include "host/backend/backend.hpp"
#include "host/checkpoint/checkpoint_store.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"

namespace wcs {

view_setup make_views(const stream_spec& spec, backend& b) {
  view_setup setup;
  setup.clock = spec.start_ms >= 0 ? batch_clock::first_batch_at(spec.start_ms, spec.batch_ms)
                                   : batch_clock::started_at(wall_clock_ms(), spec.batch_ms);
  setup.first_batch_ms = setup.clock.first_batch_ms();

  std::optional<checkpoint_store> store;
  std::optional<checkpoint_state> saved;
  const checkpoint_params params = checkpoint_params_of(spec);
  if (!spec.checkpoint_dir.empty()) {
    store.emplace(spec.checkpoint_dir);
    saved = store->load();
  }
  if (saved) {
    if (saved->meta.params != params) {
      throw std::runtime_error(fmt::format(
          "the checkpoint in {} was made with {}; this run asks for {}: run with the same parameters or another "
          "--checkpoint directory",
          spec.checkpoint_dir, describe(saved->meta.params), describe(params)));
    }
    // Resume the original time grid after the last checkpointed batch; the receiver runs the batches
    // missed while down at once (empty), as Spark does.
    setup.clock.zero_ms = saved->meta.zero_ms;
    setup.first_batch_ms = setup.clock.next_batch_ms(saved->meta.last_batch_ms);
    setup.words = std::move(saved->words);
    spdlog::info("resuming from the checkpoint of batch {} in {}: {} words", saved->meta.last_batch_ms,
                 spec.checkpoint_dir, setup.words.size());
  }

  state_view* state = nullptr;
  window_view* window = nullptr;
  for (const mode m : spec.modes) {
    switch (m) {
      case mode::stateless:
        setup.views.push_back(std::make_unique<stateless_view>());
        break;
      case mode::stateful: {
        auto v = std::make_unique<state_view>(b.make_count_table());
        state = v.get();
        setup.views.push_back(std::move(v));
        break;
      }
      case mode::window: {
        const window_spec ws{setup.clock, spec.window_ms, spec.slide_ms, spec.inverse, spec.keep_zero};
        auto v = std::make_unique<window_view>(b.make_count_table(), ws);
        window = v.get();
        setup.views.push_back(std::move(v));
        break;
      }
    }
  }
  if (saved) restore_views(*saved, state, window);
  if (store) {
    setup.checkpoint =
        std::make_unique<checkpointer>(std::move(*store), params, setup.clock, spec.checkpoint_every_ms, state, window);
  }
  return setup;
}

}  // namespace wcs
