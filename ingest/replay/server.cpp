#include "ingest/replay/server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "ingest/replay/progress.hpp"

namespace wcs {

namespace {

using clock = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

// Large enough that a full-speed pass costs a handful of syscalls; the kernel takes what fits anyway.
constexpr std::size_t max_send = std::size_t{4} << 20;
constexpr std::size_t block_target = std::size_t{1} << 20;

std::string format_address(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a6.sin6_addr, host, sizeof host);
    return fmt::format("[{}]:{}", host, ntohs(a6.sin6_port));
  }
  const auto& a4 = reinterpret_cast<const sockaddr_in&>(addr);
  ::inet_ntop(AF_INET, &a4.sin_addr, host, sizeof host);
  return fmt::format("{}:{}", host, ntohs(a4.sin_port));
}

clock::duration to_clock(double s) { return std::chrono::duration_cast<clock::duration>(seconds(s)); }

// Sends all of [p, p + n), counting into `sent` (read by the progress meter); false (with `error`) when
// the client went away.
bool send_all(int fd, const char* p, std::size_t n, std::atomic<std::size_t>& sent, int& error) {
  while (n > 0) {
    // MSG_NOSIGNAL: a client that hangs up must cost an EPIPE, not the process (SIGPIPE).
    const ssize_t k = ::send(fd, p, std::min(n, max_send), MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      error = errno;
      return false;
    }
    p += k;
    n -= static_cast<std::size_t>(k);
    sent.fetch_add(static_cast<std::size_t>(k), std::memory_order_relaxed);
  }
  return true;
}

}  // namespace

struct replay_server::send_stats {
  std::atomic<std::size_t> bytes{0};
  int error = 0;  // errno of the failed send; 0 while everything went out
};

replay_server::replay_server(replay_options options) : options_(std::move(options)) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  if (const int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error(fmt::format("cannot resolve host '{}': {}", options_.host, ::gai_strerror(rc)));
  }
  // IPv4 first, as the tutorial's AF_INET socket: "localhost" then means 127.0.0.1 where Spark connects.
  const addrinfo* chosen = found;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      chosen = ai;
      break;
    }
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, chosen->ai_addr, chosen->ai_addrlen);
  const socklen_t addr_len = chosen->ai_addrlen;
  const int family = chosen->ai_family;
  ::freeaddrinfo(found);

  const std::string wanted = format_address(addr);
  listen_fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(fmt::format("cannot create a socket: {}", std::strerror(errno)));
  // Lets a restarted server rebind while old connections sit in TIME_WAIT; a live listener still
  // makes bind fail with EADDRINUSE.
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), addr_len) != 0 ||
      ::listen(listen_fd_, SOMAXCONN) != 0) {
    const int err = errno;
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", wanted, std::strerror(err)));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  address_ = format_address(bound);
}

replay_server::~replay_server() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

int replay_server::run(const replay_payload& payload) {
  payload_ = &payload;
  const std::size_t size = payload.bytes.size();
  const bool full_speed = !options_.rate && options_.delay == 0;
  if (full_speed && options_.repeat > 1 && size > 0 && size < block_target) {
    const std::size_t copies = std::min<std::uint64_t>(options_.repeat, block_target / size);
    block_.reserve(copies * size);
    for (std::size_t i = 0; i < copies; ++i) block_.append(payload.bytes);
  }
  std::uint64_t served = 0;
  for (;;) {
    if (options_.clients != 0 && served >= options_.clients) {
      spdlog::info("served {} client{}, exiting", served, served == 1 ? "" : "s");
      return 0;
    }
    const auto deadline = clock::now() + to_clock(options_.wait);
    int fd = -1;
    sockaddr_storage peer{};
    while (fd < 0) {
      int timeout_ms = -1;
      if (options_.wait > 0) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
        timeout_ms = static_cast<int>(std::clamp<decltype(left)>(left, 0, 1 << 30));
      }
      pollfd pfd{listen_fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) {
        spdlog::error("poll failed: {}", std::strerror(errno));
        return 1;
      }
      if (ready == 0) {
        spdlog::info("no clients connected within {} s, exiting", options_.wait);
        return 0;
      }
      socklen_t peer_len = sizeof peer;
      fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
      // A client that gave up between poll and accept is not an error of ours.
      if (fd < 0 && errno != EINTR && errno != ECONNABORTED && errno != EAGAIN && errno != EPROTO) {
        spdlog::error("accept failed: {}", std::strerror(errno));
        return 1;
      }
    }
    serve(fd, format_address(peer));
    ++served;
  }
}

void replay_server::serve(int fd, const std::string& peer) {
  // Paced lines must leave at once rather than wait for Nagle to fill a segment.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  spdlog::info("client {} connected", peer);
  send_stats stats;
  const auto start = clock::now();
  auto meter = options_.progress ? std::make_unique<progress_meter>(*payload_, options_.repeat, stats.bytes, stderr,
                                                                    ::isatty(STDERR_FILENO) == 1)
                                 : nullptr;
  const bool ok = options_.rate        ? send_paced(fd, stats)
                  : options_.delay > 0 ? send_delayed(fd, stats)
                                       : send_full_speed(fd, stats);
  meter.reset();
  ::close(fd);
  const double elapsed = seconds(clock::now() - start).count();

  const std::size_t size = payload_->bytes.size();
  const std::size_t sent = stats.bytes.load();
  const std::size_t lines =
      size == 0 ? 0 : sent / size * payload_->lines() + payload_->lines_within(sent % size);
  // Skipped records count once per pass started, as the tutorial re-reads the file for every client.
  // A failed send implies size > 0.
  const std::size_t passes_started = ok ? options_.repeat : (sent + size - 1) / size;
  const double per_s = elapsed > 0 ? 1 / elapsed : 0;
  const std::string summary =
      fmt::format("sent {} lines, {} bytes, skipped {} records, {:.3f} s, {:.0f} lines/s, {:.2f} MB/s", lines,
                  sent, payload_->skipped * passes_started, elapsed, lines * per_s, sent * per_s / 1e6);
  if (ok) {
    spdlog::info("client {} done: {}", peer, summary);
  } else {
    spdlog::warn("client {} disconnected ({}): {}", peer, std::strerror(stats.error), summary);
  }
}

bool replay_server::send_full_speed(int fd, send_stats& stats) {
  const std::size_t size = payload_->bytes.size();
  if (size == 0) return true;
  const std::string_view block = block_.empty() ? std::string_view(payload_->bytes) : std::string_view(block_);
  const std::uint64_t copies = block.size() / size;
  std::uint64_t left = options_.repeat;
  for (; left >= copies; left -= copies) {
    if (!send_all(fd, block.data(), block.size(), stats.bytes, stats.error)) return false;
  }
  return send_all(fd, block.data(), left * size, stats.bytes, stats.error);
}

bool replay_server::send_delayed(int fd, send_stats& stats) {
  // The tutorial sleeps after every line, the last included; a steady schedule keeps it from drifting.
  const auto step = to_clock(options_.delay);
  auto next = clock::now();
  for (std::uint64_t pass = 0; pass < options_.repeat; ++pass) {
    for (std::size_t i = 0; i < payload_->lines(); ++i) {
      const std::size_t begin = payload_->line_begin(i);
      if (!send_all(fd, payload_->bytes.data() + begin, payload_->line_end[i] - begin, stats.bytes, stats.error)) {
        return false;
      }
      next += step;
      std::this_thread::sleep_until(next);
    }
  }
  return true;
}

bool replay_server::send_paced(int fd, send_stats& stats) {
  // Line g is due at g / rate seconds. Each wake-up sends every line due by then in one slice and
  // sleeps at least 1 ms, so high rates go out in slices of ~rate/1000 lines, low rates line by line.
  const double rate = *options_.rate;
  const std::uint64_t per_pass = payload_->lines();
  const std::uint64_t total = per_pass * options_.repeat;
  const auto start = clock::now();
  std::uint64_t g = 0;
  while (g < total) {
    const double elapsed = seconds(clock::now() - start).count();
    const auto due = std::min<std::uint64_t>(total, static_cast<std::uint64_t>(elapsed * rate) + 1);
    while (g < due) {
      const std::size_t i = g % per_pass;
      const std::size_t j = std::min<std::uint64_t>(per_pass, i + (due - g));
      const std::size_t begin = payload_->line_begin(i);
      if (!send_all(fd, payload_->bytes.data() + begin, payload_->line_end[j - 1] - begin, stats.bytes, stats.error)) {
        return false;
      }
      g += j - i;
    }
    std::this_thread::sleep_until(
        std::max(start + to_clock(static_cast<double>(g) / rate), clock::now() + std::chrono::milliseconds(1)));
  }
  return true;
}

}  // namespace wcs
