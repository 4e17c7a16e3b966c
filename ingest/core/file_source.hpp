#pragma once
// A file (or stdin, "-") read as one stream: for benchmarks, scripts and deterministic tests.
#include <string>

#include "ingest/core/byte_source.hpp"

namespace wcs {

class file_source final : public byte_source {
 public:
  explicit file_source(const std::string& path);  // throws std::runtime_error when unreadable
  ~file_source() override;
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;

  read_result read(std::span<std::uint8_t> into, steady_time deadline) override;

 private:
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace wcs
