#include "host/ui/ui_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "host/ui/assets.hpp"
#include "host/ui/exposition.hpp"
#include "host/ui/json_api.hpp"

namespace wcs {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// As Spark names its UI service in these log lines.
constexpr std::string_view service = "wcstreamUI";
// A client that sends or reads nothing for this long is dropped.
constexpr std::chrono::seconds idle_timeout{2};

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

std::string url(const std::string& host, int port) {
  return host.find(':') == std::string::npos ? fmt::format("http://{}:{}", host, port)
                                             : fmt::format("http://[{}]:{}", host, port);
}

const asset* embedded(std::string_view path) {
  for (const asset& a : embedded_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

// An endpoint, an embedded asset looked up by exact path, or 404: nothing is read from the file system.
response answer(const stream_metrics& metrics, const request& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  response res(http::status::ok, req.version());
  const auto reply = [&res](std::string body, std::string_view content_type) {
    res.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
    res.body() = std::move(body);
  };
  const asset* file = get ? embedded(path) : nullptr;
  if (get && path == "/metrics") {
    reply(prometheus_text(metrics.snapshot()), "text/plain; version=0.0.4; charset=utf-8");
  } else if (get && path == "/api/v1/status") {
    res.set(http::field::cache_control, "no-store");
    reply(status_json(metrics.snapshot()), "application/json");
  } else if (get && path == "/api/v1/batches") {
    res.set(http::field::cache_control, "no-store");
    reply(batches_json(metrics.snapshot()), "application/json");
  } else if (file) {
    reply(std::string(file->body), file->content_type);
  } else {
    res.result(http::status::not_found);
    reply("404 Not Found\n", "text/plain");
  }
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();  // Content-Length still says what GET sends
  return res;
}

// One client connection: requests answered in turn (HTTP/1.1 keep-alive) until the client closes, idles
// for idle_timeout or sends something that is not HTTP.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, const stream_metrics& metrics) : stream_(std::move(socket)), metrics_(metrics) {}

  void read() {
    req_ = {};
    stream_.expires_after(idle_timeout);
    http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->write();
    });
  }

 private:
  void write() {
    res_ = answer(metrics_, req_);
    stream_.expires_after(idle_timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (self->res_.keep_alive()) return self->read();
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    });
  }

  beast::tcp_stream stream_;
  const stream_metrics& metrics_;
  beast::flat_buffer buffer_;
  request req_;
  response res_;
};

// SO_REUSEADDR (a restarted wcstream gets its port back at once) but not SO_REUSEPORT, with which a
// second wcstream would share a busy port with the first instead of moving on to the next.
bool listen_on(tcp::acceptor& acceptor, const tcp::endpoint& at) {
  beast::error_code ec;
  acceptor.open(at.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(at, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) acceptor.close(ec);
  return acceptor.is_open();
}

}  // namespace

// One thread runs every connection (asynchronously), so a page's few requests and a scraper need no
// pool, and a short run starts and joins one thread only.
struct ui_server::serving {
  explicit serving(const stream_metrics& metrics) : metrics(metrics) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        std::make_shared<session>(std::move(socket), metrics)->read();
        accept();
        return;
      }
      // Out of file descriptors, say: retry a little later instead of spinning on the error.
      spdlog::warn("live view: accept failed: {}", ec.message());
      retry.expires_after(std::chrono::seconds(1));
      retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept();
      });
    });
  }

  const stream_metrics& metrics;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  std::thread thread;
};

ui_server::ui_server(const stream_metrics& metrics, const ui_options& options)
    : serving_(std::make_unique<serving>(metrics)) {
  const auto fail = [&] {
    return std::runtime_error(fmt::format("Failed to start service '{}' on {} port {} after {} tries", service,
                                          options.host, options.port, options.port == 0 ? 1 : options.port_tries));
  };
  beast::error_code ec;
  const auto resolved = tcp::resolver(serving_->io).resolve(options.host, "", tcp::resolver::passive, ec);
  if (ec || resolved.empty()) throw fail();
  const asio::ip::address address = resolved.begin()->endpoint().address();

  tcp::acceptor& acceptor = serving_->acceptor;
  const int tries = options.port == 0 ? 1 : options.port_tries;
  for (int i = 0; i < tries && options.port + i <= 65535; ++i) {
    const int port = options.port + i;
    if (listen_on(acceptor, {address, static_cast<unsigned short>(port)})) break;
    if (i + 1 < tries && port < 65535) {
      spdlog::warn("Service '{}' could not bind on port {}. Attempting port {}.", service, port, port + 1);
    }
  }
  if (!acceptor.is_open()) throw fail();
  port_ = acceptor.local_endpoint().port();
  spdlog::info("Successfully started service '{}' on port {}.", service, port_);
  spdlog::info("Bound {} to {}, and started at {}", service, options.host, url(options.host, port_));
  serving_->accept();
  serving_->thread = std::thread([s = serving_.get()] { s->io.run(); });
}

// stop() ends run() at once; the io_context's destruction then closes every connection still open.
ui_server::~ui_server() {
  serving_->io.stop();
  serving_->thread.join();
}

}  // namespace wcs
