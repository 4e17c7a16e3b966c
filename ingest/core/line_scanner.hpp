#pragma once
// Finds line ends as Java's BufferedReader.readLine does: "\n", "\r" or "\r\n" end a line; the "\n" of
// a "\r\n" split across reads ends nothing new. State carries across buffers of one connection.
#include <cstddef>
#include <cstdint>

namespace wcs {

struct line_scan_result {
  std::uint64_t lines;     // line ends found
  std::size_t last_end;    // offset just past the last line end found (0: none)
  std::size_t stopped_at;  // where scanning stopped: n, or just past the line end that reached the limit
};

class line_scanner {
 public:
  // Scans p[0, n), stopping after `limit` line ends.
  line_scan_result scan(const std::uint8_t* p, std::size_t n, std::uint64_t limit) {
    line_scan_result r{0, 0, n};
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t b = p[i];
      if (b != '\n' && b != '\r') {
        after_cr_ = false;
        continue;
      }
      const bool continues_crlf = b == '\n' && after_cr_;
      after_cr_ = b == '\r';
      r.last_end = i + 1;
      if (continues_crlf) continue;
      if (++r.lines == limit) {
        r.stopped_at = i + 1;
        return r;
      }
    }
    return r;
  }

  // A new connection starts a new stream.
  void reset() { after_cr_ = false; }

 private:
  bool after_cr_ = false;
};

}  // namespace wcs
