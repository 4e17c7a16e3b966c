#pragma once
// The command line of `wcstream` (SEMANTICS.md section 9), parsed and validated: every invalid value
// is refused here with a one-line reason, before anything starts.
#include <cstdint>
#include <string>
#include <vector>

namespace wcs {

struct options {
  std::string host = "localhost";
  int port = 9999;
  std::int64_t batch_ms = 10000;
  std::vector<std::string> modes{"stateless"};
  std::int64_t window_ms = 20000;
  std::int64_t slide_ms = 10000;
  std::string checkpoint;
  std::int64_t checkpoint_every_ms = 0;  // 0: Spark's default
  std::string output;
  std::size_t num = 10;
  bool keep_zero = false;
  bool no_inverse = false;
  std::string backend = "auto";
  int threads = 0;  // 0: every core
  bool exit_on_eof = false;
  std::string file;  // empty: socket
  std::uint64_t batch_lines = 0;
  std::int64_t start_ms = -1;  // first batch time for --batch-lines; -1: from the clock
  std::size_t buffer_mb = 2;
  std::size_t buffers = 8;
  std::string log_level = "info";
  bool ui = true;                   // the live view (--no-ui turns it off)
  std::string ui_host = "127.0.0.1";
  int ui_port = 4040;               // Spark's; taken: the next free one; 0: any free port

  bool has_mode(const std::string& m) const;
};

// The outcome of parsing: run with `opts`, or exit with `exit_code` (0 after --help).
struct parse_result {
  options opts;
  bool run = false;
  int exit_code = 0;
};

parse_result parse_options(int argc, char** argv);

}  // namespace wcs
