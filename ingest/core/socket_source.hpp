#pragma once
// socketTextStream's receiver: a TCP client of host:port. When the connection is refused or closed it
// restarts after 2000 ms (spark.streaming.receiverRestartDelay) and retries for ever, logging what
// Spark logs. With exit_on_close, the first connection's end is the end of the stream.
#include <string>

#include "ingest/core/byte_source.hpp"

namespace wcs {

class socket_source final : public byte_source {
 public:
  socket_source(std::string host, int port, bool exit_on_close,
                std::chrono::milliseconds restart_delay = std::chrono::milliseconds(2000));
  ~socket_source() override;
  socket_source(const socket_source&) = delete;
  socket_source& operator=(const socket_source&) = delete;

  read_result read(std::span<std::uint8_t> into, steady_time deadline) override;

 private:
  bool try_connect(steady_time deadline);
  void schedule_restart(const std::string& why);

  std::string host_;
  int port_;
  bool exit_on_close_;
  std::chrono::milliseconds restart_delay_;
  int fd_ = -1;
  steady_time retry_at_{};
};

}  // namespace wcs
