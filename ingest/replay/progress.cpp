#include "ingest/replay/progress.hpp"

#include <fmt/format.h>

#include <chrono>

namespace wcs {

progress_meter::progress_meter(const replay_payload& payload, std::uint64_t repeat,
                               const std::atomic<std::size_t>& sent, std::FILE* out, bool terminal)
    : payload_(payload), repeat_(repeat), sent_(sent), out_(out), terminal_(terminal), thread_([this] { run(); }) {}

progress_meter::~progress_meter() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (terminal_) {
    std::fputs("\r\x1b[K", out_);
    std::fflush(out_);
  }
}

std::uint64_t progress_meter::lines_in(std::size_t bytes) const {
  const std::size_t size = payload_.bytes.size();
  return size == 0 ? 0 : bytes / size * payload_.lines() + payload_.lines_within(bytes % size);
}

void progress_meter::run() {
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  std::uint64_t lines_before = 0;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(1), [&] { return done_; })) {
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t lines = lines_in(sent_.load(std::memory_order_relaxed));
    report(std::chrono::duration<double>(now - start).count(), std::chrono::duration<double>(now - last).count(),
           lines_before);
    lines_before = lines;
    last = now;
  }
}

void progress_meter::report(double elapsed_s, double interval_s, std::uint64_t lines_before) {
  const std::size_t bytes = sent_.load(std::memory_order_relaxed);
  const std::uint64_t lines = lines_in(bytes);
  const std::size_t size = payload_.bytes.size();
  std::string where;
  if (size > 0) {
    const std::uint64_t pass = std::min<std::uint64_t>(bytes / size + 1, repeat_);
    const double share = bytes >= size * repeat_ ? 1.0 : static_cast<double>(bytes - (pass - 1) * size) / size;
    where = repeat_ > 1 ? fmt::format(", pass {} of {}, {:.1f}% of the file", pass, repeat_, 100 * share)
                        : fmt::format(", {:.1f}% of the file", 100 * share);
  }
  const std::string line =
      fmt::format("wcs-replay: sent {} lines, {:.1f} MB in {:.0f} s; {:.0f} lines/s{}", lines, bytes / 1e6, elapsed_s,
                  interval_s > 0 ? (lines - lines_before) / interval_s : 0.0, where);
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", line);
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

}  // namespace wcs
