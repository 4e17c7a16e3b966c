// wcstream: the engine's entry point. Wires the CLI to a source, the ingest ring and thread, a backend,
// the views and the sinks (see HACKING.md for the walk of one line from socket to output).
#include <signal.h>
#include <tbb/global_control.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>

#include "host/backend/backend.hpp"
#include "host/cli/options.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/make_views.hpp"
#include "host/sink/pprint_sink.hpp"
#include "host/sink/text_file_sink.hpp"
#include "host/ui/stream_metrics.hpp"
#include "host/ui/ui_server.hpp"
#include "ingest/core/chunk_ring.hpp"
#include "ingest/core/file_source.hpp"
#include "ingest/core/receiver.hpp"
#include "ingest/core/socket_source.hpp"

namespace {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("wcstream");
  logger->set_pattern("wcstream %^%l%$: %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

// SIGINT/SIGTERM close the open batch and stop cleanly; a dedicated thread waits for them. At exit it
// is woken with SIGTERM itself, after `done_` is set, so shutting down costs no polling delay.
class signal_watch {
 public:
  explicit signal_watch(wcs::receiver& rx) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    thread_ = std::thread([this, &rx] {
      int signal = 0;
      while (sigwait(&set_, &signal) == 0 && !done_.load()) {
        spdlog::info("signal received: closing the open batch");
        rx.stop();
      }
    });
  }
  ~signal_watch() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

 private:
  sigset_t set_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int run(const wcs::options& o) {
  std::unique_ptr<tbb::global_control> threads;
  if (o.threads > 0) threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, o.threads);

  // The input first: an unreadable file is reported before anything else is set up or logged.
  std::unique_ptr<wcs::byte_source> source;
  if (!o.file.empty()) {
    source = std::make_unique<wcs::file_source>(o.file);
  } else {
    source = std::make_unique<wcs::socket_source>(o.host, o.port, o.exit_on_eof);
  }
  auto backend = wcs::make_backend(o.backend);
  wcs::check_chunk_bytes(*backend, o.buffer_mb << 20);
  wcs::engine_config config;
  if (!o.output.empty()) config.sinks.push_back(std::make_unique<wcs::text_file_sink>(o.output, o.stream.modes.size() > 1));
  config.check_input = [&source] { source->check(); };
  wcs::view_setup setup = wcs::make_views(o.stream, *backend);

  wcs::batch_policy policy;
  policy.clock = setup.clock;
  policy.lines_per_batch = o.batch_lines;
  policy.first_batch_ms = setup.first_batch_ms;

  wcs::chunk_ring ring(o.buffers, o.buffer_mb << 20, !source->mapped().empty());
  const std::unique_ptr<wcs::wal::write_ahead_log> log = std::move(setup.log);
  wcs::event_queue events;
  // The live view: the engine publishes each batch to `metrics`; the server's thread only reads it.
  std::unique_ptr<wcs::stream_metrics> metrics;
  std::unique_ptr<wcs::ui_server> ui;
  wcs::pprint_sink::records_observer show_records;  // the view's top words: what pprint prints
  if (o.ui) {
    const std::string what = o.file.empty() ? fmt::format("socket {}:{}", o.host, o.port) : fmt::format("file {}", o.file);
    std::vector<std::string> modes;
    for (const wcs::mode m : o.stream.modes) modes.emplace_back(wcs::mode_name(m));
    metrics = std::make_unique<wcs::stream_metrics>(wcs::stream_info{what, modes, o.stream.batch_ms, o.batch_lines},
                                                    source->counters());
    try {
      ui = std::make_unique<wcs::ui_server>(*metrics, wcs::ui_options{o.ui_host, o.ui_port});
      show_records = [m = metrics.get()](const wcs::view_output& out, std::span<const wcs::word_count> records) {
        m->view_output(out.batch_ms, wcs::mode_name(out.view), records, out.records.size());
      };
      config.observer = metrics.get();
    } catch (const std::runtime_error& e) {
      // Counting matters more than watching it: the stream runs on without its live view.
      spdlog::warn("{}; running without the live view", e.what());
    }
  }
  // pprint first, as in the user's program.
  config.sinks.insert(config.sinks.begin(), std::make_unique<wcs::pprint_sink>(stdout, o.stream.num, std::move(show_records)));
  wcs::engine eng(*backend, std::move(setup), std::move(config));
  spdlog::info("backend {}, batch {} ms, modes {}, first batch {}", backend->name(), o.stream.batch_ms,
               o.stream.modes.names(), policy.first_batch_ms);
  wcs::receiver rx(*source, ring, events, policy, log.get());
  signal_watch signals(rx);
  rx.start();
  try {
    eng.run(events, ring);
  } catch (...) {
    rx.stop();
    eng.drain(events, ring);
    throw;
  }
  rx.join();
  const auto& t = eng.totals();
  spdlog::info("done: {} batches, {} lines, {} words, {:.2f} MB", t.batches, t.lines, t.words, t.bytes / 1e6);
  if (!rx.error().empty()) throw std::runtime_error(rx.error());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const wcs::parse_result parsed = wcs::parse_options(argc, argv);
  if (!parsed.run) return parsed.exit_code;
  // Block the stop signals in every thread; signal_watch takes them synchronously.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);
  setup_logging(parsed.opts.log_level);
  try {
    return run(parsed.opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wcstream: error: %s\n", e.what());
    return 1;
  }
}
