// Fuzz target: the write-ahead log reader (ingest/wal). A corrupt segment must be cut with a warning,
// never crash, over-read or allocate without bound. Each input is tried twice: as a segment file as it
// is (the checksums almost always reject it at the first record), and with every record's checksum
// made right, so mutations reach the record decoding and the replay behind them.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "ingest/wal/record.hpp"
#include "ingest/wal/write_ahead_log.hpp"

namespace {

class counting_visitor final : public wcs::wal::replay_visitor {
 public:
  void on_segment(const wcs::wal::segment_header&, std::span<const std::uint8_t> carried, bool) override { bytes += carried.size(); }
  void on_data(std::span<const std::uint8_t> b) override { bytes += b.size(); }
  void on_connection_end() override {}
  void on_batch_end(std::int64_t) override {}
  std::size_t bytes = 0;
};

// Rewrites each record's checksum (records as ingest/wal/record.hpp lays them out) as far as lengths allow.
std::string fix_checksums(std::string s) {
  std::size_t at = wcs::wal::magic_bytes;
  while (at + 16 <= s.size()) {
    std::uint32_t size = 0;
    std::memcpy(&size, s.data() + at, sizeof size);
    if (size > s.size() - at - 16) break;
    const auto* record = reinterpret_cast<const std::uint8_t*>(s.data()) + at;
    const std::uint64_t sum = wcs::wal::record_checksum(std::span<const std::uint8_t, wcs::wal::record_header_bytes>(record, 8),
                                                        wcs::wal::payload_hash({record + 8, size}));
    std::memcpy(s.data() + at + 8 + size, &sum, sizeof sum);
    at += 16 + size;
  }
  return s;
}

void replay(const std::string& dir, const std::string& bytes) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/wal-00000000000000000001.log", std::ios::binary) << bytes;
  counting_visitor v;
  try {
    wcs::wal::write_ahead_log log(dir, 1000);
    log.replay(v);
  } catch (const std::runtime_error&) {  // another batch interval: refused with a message
    return;
  }
  if (v.bytes > bytes.size()) {
    std::fprintf(stderr, "wal_fuzz: replayed more bytes than the file holds\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = "/tmp/wcs-wal-fuzz-" + std::to_string(::getpid());
  spdlog::set_level(spdlog::level::off);
  std::string bytes(wcs::wal::segment_magic, wcs::wal::magic_bytes);
  bytes.append(reinterpret_cast<const char*>(data), size);
  replay(dir, bytes);
  replay(dir, fix_checksums(bytes));
  return 0;
}
