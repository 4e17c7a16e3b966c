#pragma once
// The live view's HTTP server (Boost.Beast), on its own thread: the streaming page and its embedded
// assets, /metrics and the JSON API. It only reads a stream_metrics snapshot, so a slow client never
// holds up ingest or counting. Nothing but the embedded assets and those endpoints is served.
#include <memory>
#include <string>

#include "host/ui/stream_metrics.hpp"

namespace wcs {

struct ui_options {
  std::string host = "127.0.0.1";  // loopback unless the user asks
  int port = 4040;                 // Spark's; 0: any free port
  int port_tries = 16;             // as spark.port.maxRetries: port, port + 1, ...
};

class ui_server {
 public:
  // Binds (logging each busy port as Spark does) and starts serving. Throws std::runtime_error when no
  // port could be bound. `metrics` must outlive this object.
  ui_server(const stream_metrics& metrics, const ui_options& options);
  ~ui_server();  // stops serving and joins
  ui_server(const ui_server&) = delete;
  ui_server& operator=(const ui_server&) = delete;

  int port() const { return port_; }

 private:
  struct serving;  // Beast stays in ui_server.cpp
  std::unique_ptr<serving> serving_;
  int port_ = 0;
};

}  // namespace wcs
