#pragma once
// Finds line ends as Java's BufferedReader.readLine does: "\n", "\r" or "\r\n" end a line; the "\n" of
// a "\r\n" split across reads ends nothing new. State carries across buffers of one connection.
// Run-time dispatched SIMD of kernels/cpu: 2 KiB runs without '\r' are only counted, other blocks are
// read 64 bytes at a time as masks.
#include <cstddef>
#include <cstdint>

#include "kernels/cpu/simd_dispatch.hpp"

namespace wcs {

struct line_scan_result {
  std::uint64_t lines;     // line ends found
  std::size_t last_end;    // offset just past the last line end found (0: none)
  std::size_t stopped_at;  // where scanning stopped: n, or just past the line end that reached the limit
};

class line_scanner {
 public:
  explicit line_scanner(const simd::implementation& simd = simd::active());

  // Scans p[0, n), stopping after `limit` line ends.
  line_scan_result scan(const std::uint8_t* p, std::size_t n, std::uint64_t limit) { return scan_(p, n, limit, after_cr_); }

  // A new connection starts a new stream.
  void reset() { after_cr_ = false; }

 private:
  using scan_fn = line_scan_result (*)(const std::uint8_t* p, std::size_t n, std::uint64_t limit, bool& after_cr);
  scan_fn scan_;
  bool after_cr_ = false;
};

}  // namespace wcs
