#include "host/cli/options.hpp"

#include "ingest/core/batch_clock.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>

namespace wcs {
namespace {

// Seconds (fractional allowed) to whole milliseconds; refuses zero, negative and sub-millisecond values.
std::int64_t to_ms(const std::string& flag, double seconds) {
  const double ms = seconds * 1000.0;
  if (!std::isfinite(ms) || ms <= 0) throw std::invalid_argument(fmt::format("{} must be a positive number of seconds", flag));
  const double whole = std::round(ms);
  if (whole < 1 || std::fabs(ms - whole) > 1e-6) throw std::invalid_argument(fmt::format("{} must be a whole number of milliseconds", flag));
  return static_cast<std::int64_t>(whole);
}

std::size_t to_count(const std::string& flag, std::int64_t value, std::int64_t least) {
  if (value < least) throw std::invalid_argument(fmt::format("{} must be at least {}", flag, least));
  return static_cast<std::size_t>(value);
}

void validate(options& o, const std::vector<std::string>& mode_list, bool no_inverse, std::int64_t checkpoint_every_ms) {
  stream_spec& s = o.stream;
  s.modes = {};
  for (const auto& name : mode_list) {  // CLI11 already split the values at commas (delimiter)
    const std::optional<mode> m = mode_named(name);
    if (!m) throw std::invalid_argument(fmt::format("unknown --mode '{}' (stateless, stateful or window)", name));
    s.modes.add(*m);
  }
  s.inverse = !no_inverse;
  if (s.modes.has(mode::window)) {
    // Spark refuses these in ReducedWindowedDStream / WindowedDStream.
    if (s.window_ms % s.batch_ms != 0)
      throw std::invalid_argument(fmt::format(
          "windowDuration must be multiple of the parent dstream's slide (batch) duration ({} ms)", s.batch_ms));
    if (s.slide_ms % s.batch_ms != 0)
      throw std::invalid_argument(fmt::format(
          "slideDuration must be multiple of the parent dstream's slide (batch) duration ({} ms)", s.batch_ms));
    if (s.slide_ms > s.window_ms)
      throw std::invalid_argument(fmt::format("slideDuration ({} ms) must not be longer than windowDuration ({} ms)",
                                              s.slide_ms, s.window_ms));
  }
  // Spark needs a checkpoint for updateStateByKey and for a window with an inverse function.
  if ((s.modes.has(mode::stateful) || (s.modes.has(mode::window) && s.inverse)) && s.checkpoint_dir.empty())
    throw std::invalid_argument(
        "requirement failed: The checkpoint directory has not been set (--checkpoint DIR is required by stateful "
        "mode and by window mode unless --no-inverse)");
  // Checkpoints are taken after a batch, so their interval is a whole number of batches (as Spark's).
  s.checkpoint_every_ms = checkpoint_every_ms != 0 ? checkpoint_every_ms : default_checkpoint_interval_ms(s.batch_ms);
  if (s.checkpoint_every_ms % s.batch_ms != 0)
    throw std::invalid_argument(fmt::format("--checkpoint-interval ({} ms) must be a multiple of the batch interval ({} ms)",
                                            s.checkpoint_every_ms, s.batch_ms));
  if (o.file.empty() && (o.port < 1 || o.port > 65535)) throw std::invalid_argument(fmt::format("--port {} is not a TCP port (1-65535)", o.port));
  if (o.threads < 0) throw std::invalid_argument("--threads must be 0 (every core) or more");
  if (o.ui_port < 0 || o.ui_port > 65535) throw std::invalid_argument(fmt::format("--ui-port {} is not a TCP port (0-65535)", o.ui_port));
  if (o.buffer_mb > 4096) throw std::invalid_argument("--buffer-mb must be between 1 and 4096");
}

}  // namespace

parse_result parse_options(int argc, char** argv) {
  parse_result r;
  options& o = r.opts;
  stream_spec& s = o.stream;
  CLI::App app{"wcstream: Spark Streaming's word count (stateless, stateful, windowed) over a socket text stream"};
  app.set_version_flag("--version", "wcstream 0.1.0");
  double batch_s = 10, window_s = 20, slide_s = 10, checkpoint_every_s = 0;
  std::vector<std::string> mode_list{"stateless"};
  bool no_inverse = false;
  app.add_option("--host", o.host, "Host to connect to, like socketTextStream")->capture_default_str();
  app.add_option("--port", o.port, "Port to connect to")->capture_default_str();
  app.add_option("--batch", batch_s, "Batch interval in seconds (fractional allowed)")->capture_default_str();
  app.add_option("--mode", mode_list, "stateless, stateful, window; several comma-separated: one ingest, several views")
      ->delimiter(',')->capture_default_str();
  app.add_option("--window", window_s, "Window length in seconds (window mode)")->capture_default_str();
  app.add_option("--slide", slide_s, "Window slide in seconds (window mode)")->capture_default_str();
  app.add_option("--checkpoint", s.checkpoint_dir, "Checkpoint directory (required by stateful and window modes)");
  app.add_option("--checkpoint-interval", checkpoint_every_s,
                 "Seconds of batch time between checkpoints, a multiple of --batch (default as Spark: the smallest "
                 "multiple of --batch that is >= 10 s, i.e. every batch for batches of 10 s or more)");
  app.add_option("--output", o.output, "Also write each batch as saveAsTextFiles: PREFIX-<ms>[.<mode>]/part-00000");
  // Counts are read as signed numbers: CLI11 2.1 silently wraps "-1" into an unsigned option.
  std::int64_t num = static_cast<std::int64_t>(s.num), batch_lines = 0;
  std::int64_t buffer_mb = static_cast<std::int64_t>(o.buffer_mb), buffers = static_cast<std::int64_t>(o.buffers);
  app.add_option("--num", num, "Records pprint shows per batch")->capture_default_str();
  app.add_flag("--keep-zero", s.keep_zero, "Window mode: keep words whose windowed count fell to 0, as ('w', 0)");
  app.add_flag("--no-inverse", no_inverse, "Window mode: recompute each window from the per-batch tables (invFunc=None)");
  const std::map<std::string, backend_kind> backends{
      {"auto", backend_kind::automatic}, {"cpu", backend_kind::cpu}, {"cuda", backend_kind::cuda}};
  std::string backend = "auto";
  app.add_option("--backend", backend, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}))->capture_default_str();
  app.add_option("--threads", o.threads, "Worker threads (0: every core)")->capture_default_str();
  app.add_flag("--exit-on-eof", o.exit_on_eof, "Finish the last batch and exit when the source closes");
  app.add_option("--file", o.file, "Read this file (- for stdin) instead of a socket; exits at its end");
  app.add_option("--batch-lines", batch_lines, "Cut batches every N lines instead of by time (benchmarks, tests)");
  app.add_option("--start-ms", s.start_ms, "Time of the first batch in ms since the epoch, with --batch-lines (tests)");
  app.add_option("--buffer-mb", buffer_mb, "Size of one ingest buffer in MiB (the longest line kept whole)")->capture_default_str();
  app.add_option("--buffers", buffers, "Ingest buffers in the ring (memory = buffers x buffer-mb)")->capture_default_str();
  bool no_ui = false;
  app.add_flag("--no-ui", no_ui, "Do not serve the live view (streaming page, /metrics, /api/v1)");
  app.add_option("--ui-port", o.ui_port, "Port of the live view; when taken, the next free one (16 tries); 0: any free port")
      ->capture_default_str();
  app.add_option("--ui-host", o.ui_host, "Address the live view listens on (loopback unless asked)")->capture_default_str();
  app.add_option("--log-level", o.log_level, "Log level on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))->capture_default_str();
  try {
    app.parse(argc, argv);
    o.backend = backends.at(backend);
    s.num = to_count("--num", num, 0);
    o.batch_lines = to_count("--batch-lines", batch_lines, 0);
    o.buffer_mb = to_count("--buffer-mb", buffer_mb, 1);
    o.buffers = to_count("--buffers", buffers, 2);
    s.batch_ms = to_ms("--batch", batch_s);
    s.window_ms = to_ms("--window", window_s);
    s.slide_ms = to_ms("--slide", slide_s);
    const std::int64_t checkpoint_every_ms =
        checkpoint_every_s != 0 ? to_ms("--checkpoint-interval", checkpoint_every_s) : 0;
    o.ui = !no_ui;
    validate(o, mode_list, no_inverse, checkpoint_every_ms);
  } catch (const CLI::CallForHelp& e) {
    r.exit_code = app.exit(e);
    return r;
  } catch (const CLI::CallForVersion& e) {
    r.exit_code = app.exit(e);
    return r;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "wcstream: error: %s\n", e.what());
    r.exit_code = 2;
    return r;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "wcstream: error: %s\n", e.what());
    r.exit_code = 2;
    return r;
  }
  r.run = true;
  return r;
}

}  // namespace wcs
