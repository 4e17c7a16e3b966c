#include "host/ui/ui_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <stdexcept>

#include "host/ui/assets.hpp"
#include "host/ui/exposition.hpp"
#include "host/ui/json_api.hpp"

namespace wcs {
namespace {

// As Spark names its UI service in these log lines.
constexpr std::string_view service = "wcstreamUI";

// SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second wcstream would share a
// busy port with the first instead of moving on to the next.
void reuse_address_only(socket_t sock) {
  const int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

// Requests are served one after another on the listening thread: a page's few requests and a scraper
// need no pool, and a short run (a file counted in milliseconds) then starts and joins one thread only.
class inline_queue final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

std::string url(const std::string& host, int port) {
  return host.find(':') == std::string::npos ? fmt::format("http://{}:{}", host, port)
                                             : fmt::format("http://[{}]:{}", host, port);
}

}  // namespace

ui_server::ui_server(const stream_metrics& metrics, const ui_options& options)
    : server_(std::make_unique<httplib::Server>()) {
  server_->set_socket_options(reuse_address_only);
  // One request per connection and short timeouts, so an idle keep-alive connection or a client that
  // sends nothing holds the serving thread for two seconds at most.
  server_->new_task_queue = [] { return new inline_queue; };
  server_->set_keep_alive_max_count(1);
  server_->set_read_timeout(2, 0);
  server_->set_write_timeout(2, 0);
  // Block in accept(): stop() wakes it, and an idle server costs no periodic wake-ups.
  server_->set_idle_interval(0, 0);
  add_routes(metrics);

  if (options.port == 0) {
    port_ = server_->bind_to_any_port(options.host);
  } else {
    for (int i = 0; i < options.port_tries && options.port + i <= 65535; ++i) {
      const int port = options.port + i;
      if (server_->bind_to_port(options.host, port)) {
        port_ = port;
        break;
      }
      if (i + 1 < options.port_tries && port < 65535) {
        spdlog::warn("Service '{}' could not bind on port {}. Attempting port {}.", service, port, port + 1);
      }
    }
  }
  if (port_ <= 0) {
    throw std::runtime_error(fmt::format("Failed to start service '{}' on {} port {} after {} tries", service,
                                         options.host, options.port, options.port == 0 ? 1 : options.port_tries));
  }
  spdlog::info("Successfully started service '{}' on port {}.", service, port_);
  spdlog::info("Bound {} to {}, and started at {}", service, options.host, url(options.host, port_));
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_.store(true);
  });
}

ui_server::~ui_server() {
  // stop() only acts on a running server: wait until the thread got that far (or gave up).
  while (!server_->is_running() && !listen_returned_.load()) std::this_thread::yield();
  server_->stop();
  thread_.join();
}

void ui_server::add_routes(const stream_metrics& metrics) {
  server_->Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(prometheus_text(metrics.snapshot()), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/api/v1/status", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(status_json(metrics.snapshot()), "application/json");
  });
  server_->Get("/api/v1/batches", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(batches_json(metrics.snapshot()), "application/json");
  });
  // Everything else is looked up among the embedded assets by exact path, or answers 404: nothing is
  // read from the file system.
  server_->Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    for (const asset& a : embedded_assets()) {
      if (a.path == req.path) {
        res.set_content(a.body.data(), a.body.size(), std::string(a.content_type).c_str());
        return;
      }
    }
    res.status = 404;
    res.set_content("404 Not Found\n", "text/plain");
  });
}

}  // namespace wcs
