#pragma once
// The command line of `wcstream` (docs/semantics.md), parsed and validated: every invalid value is
// refused here with a one-line reason, before anything starts. What to compute goes into a stream_spec;
// the rest says where the text comes from, where output goes and how to run.
#include <cstdint>
#include <string>

#include "host/backend/backend.hpp"
#include "host/stream/stream_spec.hpp"

namespace wcs {

struct options {
  stream_spec stream;
  std::string host = "localhost";
  int port = 9999;
  std::string output;  // saveAsTextFiles prefix; empty: none
  backend_kind backend = backend_kind::automatic;
  int threads = 0;  // 0: every core
  bool exit_on_eof = false;
  std::string file;  // empty: socket
  std::uint64_t batch_lines = 0;
  std::size_t buffer_mb = 2;
  std::size_t buffers = 8;
  std::string log_level = "info";
  bool ui = true;                   // the live view (--no-ui turns it off)
  std::string ui_host = "127.0.0.1";
  int ui_port = 4040;               // Spark's; taken: the next free one; 0: any free port
};

// The outcome of parsing: run with `opts`, or exit with `exit_code` (0 after --help).
struct parse_result {
  options opts;
  bool run = false;
  int exit_code = 0;
};

parse_result parse_options(int argc, char** argv);

}  // namespace wcs
