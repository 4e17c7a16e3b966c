#pragma once
// A file (or stdin, "-") read as one stream: for benchmarks, scripts and deterministic tests. A regular
// file is memory-mapped, so the engine counts it in place without copying it into the ingest ring;
// consumed() drops the pages behind the engine, keeping memory bounded by the ring as for sockets.
// Pages the file loses while mapped (it shrank, or a read error) read as zeros and check() reports them
// (mapping_guard.hpp), where they would otherwise kill the process with SIGBUS.
#include <memory>
#include <string>

#include "ingest/core/byte_source.hpp"
#include "ingest/core/mapping_guard.hpp"

namespace wcs {

class file_source final : public byte_source {
 public:
  explicit file_source(const std::string& path);  // throws std::runtime_error when unreadable
  ~file_source() override;
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;

  read_result read(std::span<std::uint8_t> into, steady_time deadline) override;
  std::span<const std::uint8_t> mapped() const override { return {map_, map_bytes_}; }
  void consumed(const std::uint8_t* end) override;
  void check() const override;

 private:
  std::string path_;
  int fd_ = -1;
  bool owned_ = false;
  const std::uint8_t* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  std::size_t dropped_ = 0;  // mapped bytes already given back
  std::unique_ptr<mapping_guard> guard_;
};

}  // namespace wcs
