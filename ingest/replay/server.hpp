#pragma once
// The replay server: the tutorial's tcp_server.py loop (listen, wait for a client, send every line,
// close, wait for the next) over a payload prepared once, at full speed or paced.
#include <cstdint>
#include <optional>
#include <string>

#include "ingest/replay/payload.hpp"

namespace wcs {

struct replay_options {
  std::string host = "localhost";
  std::uint16_t port = 9999;   // 0: an ephemeral port
  double delay = 4.0;          // seconds after each line; 0 = full speed
  std::optional<double> rate;  // lines per second; overrides delay
  std::uint64_t repeat = 1;    // passes over the payload per client
  double wait = 10.0;          // seconds to wait for a client; 0 = forever
  std::uint64_t clients = 0;   // exit after this many clients; 0 = never
  bool progress = false;       // a progress line on stderr while a client is served
};

class replay_server {
 public:
  // Binds and listens; throws std::runtime_error with a one-line message. Done before the input is
  // read, so that a busy port fails fast and clients may queue up while a big file loads.
  explicit replay_server(replay_options options);
  ~replay_server();
  replay_server(const replay_server&) = delete;
  replay_server& operator=(const replay_server&) = delete;

  // "HOST:PORT" actually bound, e.g. 127.0.0.1:40123 or [::1]:9999.
  const std::string& address() const { return address_; }

  // Serves `payload` to clients until none comes within `wait` or `clients` were served: 0. A failing
  // listening socket (poll/accept) is logged: 1.
  int run(const replay_payload& payload);

 private:
  struct send_stats;
  void serve(int fd, const std::string& peer);
  bool send_full_speed(int fd, send_stats& stats);
  bool send_delayed(int fd, send_stats& stats);
  bool send_paced(int fd, send_stats& stats);

  replay_options options_;
  const replay_payload* payload_ = nullptr;
  std::string block_;  // full-speed unit: the payload repeated up to ~1 MiB, so small files still go in big sends
  int listen_fd_ = -1;
  std::string address_;
};

}  // namespace wcs
