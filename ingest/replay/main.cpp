// wcs-replay: the tutorial's tcp_server.py in C++. Reads review JSON lines (or plain text) once, then
// sends every review's text as a line to each client that connects, paced or at full speed.
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string>

#include <unistd.h>

#include "ingest/replay/payload.hpp"
#include "ingest/replay/server.hpp"

namespace wcs {
namespace {

// "%*": nothing for info, "warning: " / "error: " otherwise, so every line reads "wcs-replay: ..."
// and scripts can match the info lines exactly.
class level_prefix final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view prefix;
    if (msg.level == spdlog::level::warn) prefix = "warning: ";
    if (msg.level >= spdlog::level::err) prefix = "error: ";
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<level_prefix>(); }
};

void setup_logging() {
  auto logger = std::make_shared<spdlog::logger>("wcs-replay", std::make_shared<spdlog::sinks::stderr_sink_st>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<level_prefix>('*').set_pattern("%n: %*%v");
  logger->set_formatter(std::move(formatter));
  // Tests and scripts wait for the "listening on" line: every line must leave at once.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

// Integers as read from the command line: signed, because CLI11 wraps "-1" into an unsigned option.
struct raw_counts {
  std::int64_t port;
  std::int64_t repeat;
  std::int64_t clients;
};

// Returns an error message for the first bad value, empty when all are usable.
std::string check_values(const raw_counts& raw, const replay_options& opt) {
  if (raw.port < 0 || raw.port > 65535) return fmt::format("--port must be within 0..65535 (got {})", raw.port);
  if (!std::isfinite(opt.delay) || opt.delay < 0)
    return fmt::format("--delay must be >= 0 seconds (got {})", opt.delay);
  if (opt.rate && (!std::isfinite(*opt.rate) || *opt.rate <= 0)) {
    return fmt::format("--rate must be > 0 lines per second (got {})", *opt.rate);
  }
  if (raw.repeat < 1) return fmt::format("--repeat must be >= 1 (got {})", raw.repeat);
  if (raw.clients < 0) return fmt::format("--clients must be >= 0 (got {})", raw.clients);
  if (!std::isfinite(opt.wait) || opt.wait < 0) return fmt::format("--wait must be >= 0 seconds (got {})", opt.wait);
  return {};
}

std::string describe_pace(const replay_options& opt) {
  const std::string passes = opt.repeat == 1 ? "once" : fmt::format("{} times", opt.repeat);
  if (opt.rate) return fmt::format("sending {} per client at {} lines/s", passes, *opt.rate);
  if (opt.delay > 0) return fmt::format("sending {} per client, {} s after each line", passes, opt.delay);
  return fmt::format("sending {} per client at full speed", passes);
}

int run(int argc, char** argv) {
  CLI::App app{
      "Replays the text of review JSON lines (or a plain text file) to every TCP client that connects, "
      "as the tutorial's tcp_server.py does, paced or at full speed. Logs go to stderr."};
  replay_options opt;
  raw_counts raw{opt.port, static_cast<std::int64_t>(opt.repeat), static_cast<std::int64_t>(opt.clients)};
  std::string file;
  std::string field = "reviewText";
  bool plain = false;
  double rate = 0;
  app.add_option("--host", opt.host, "Host or address to listen on")->capture_default_str();
  app.add_option("--port", raw.port, "TCP port; 0 picks a free one, reported in the 'listening on' line")
      ->capture_default_str();
  app.add_option("--file", file, "Input file: JSON lines (or plain text with --plain); '-' reads stdin")->required();
  app.add_option("--delay", opt.delay, "Seconds to wait after each line, fractions allowed; 0 = full speed")
      ->capture_default_str();
  CLI::Option* rate_option = app.add_option(
      "--rate", rate, "Send this many lines per second, evenly spread (in ~1 ms slices); overrides --delay");
  app.add_option("--repeat", raw.repeat, "Send the file this many times to each client")->capture_default_str();
  app.add_option("--field", field, "JSON field holding the text to send")->capture_default_str();
  app.add_flag("--plain", plain, "The file is plain text: send its lines as they are, no JSON");
  app.add_option("--wait", opt.wait, "Seconds to wait for a client before exiting with 0; 0 = wait forever")
      ->capture_default_str();
  app.add_option("--clients", raw.clients, "Exit after serving this many clients; 0 = no limit")->capture_default_str();
  bool progress = false, quiet = false;
  app.add_flag("--progress", progress, "Show progress on stderr even when it is not a terminal (one line a second)");
  app.add_flag("--quiet", quiet, "Show no progress (shown by default when stderr is a terminal)")->excludes("--progress");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    spdlog::error("{} (see --help)", e.what());
    return 2;
  }
  if (rate_option->count() > 0) opt.rate = rate;
  opt.progress = progress || (!quiet && ::isatty(STDERR_FILENO) == 1);
  if (const std::string problem = check_values(raw, opt); !problem.empty()) {
    spdlog::error("{}", problem);
    return 2;
  }
  opt.port = static_cast<std::uint16_t>(raw.port);
  opt.repeat = static_cast<std::uint64_t>(raw.repeat);
  opt.clients = static_cast<std::uint64_t>(raw.clients);

  try {
    replay_server server(opt);
    const auto start = std::chrono::steady_clock::now();
    const replay_payload payload = [&] {
      const simdjson::padded_string content = read_input(file);
      return plain ? build_plain_payload(content) : build_json_payload(content, field);
    }();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("loaded {}: {} lines, {} bytes, {} records skipped, in {:.3f} s; {}", file == "-" ? "stdin" : file,
                 payload.lines(), payload.bytes.size(), payload.skipped, took, describe_pace(opt));
    spdlog::info("listening on {}", server.address());
    return server.run(payload);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
}

}  // namespace
}  // namespace wcs

int main(int argc, char** argv) {
  // A closed stderr or socket must show up as an error code, never kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  wcs::setup_logging();
  return wcs::run(argc, argv);
}
