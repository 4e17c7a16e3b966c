// Fuzz target: the replay server's input readers (ingest/replay/payload.*). A JSON-lines file of any
// bytes gives lines or skipped records, never a crash; every line of the input is either sent or
// skipped; the payload's line index agrees with its bytes. The plain-text reader keeps every byte.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "ingest/replay/payload.hpp"

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "replay_json_fuzz: %s\n", what);
  std::abort();
}

// Lines as Python's text mode cuts them (universal newlines), as build_json_payload reads them.
std::size_t universal_lines(std::string_view s) {
  std::size_t lines = 0;
  for (std::size_t i = 0; i < s.size(); ++lines) {
    const std::size_t end = std::min(s.find('\n', i), s.find('\r', i));
    if (end == std::string_view::npos) break;
    i = end + 1 + (s[end] == '\r' && end + 1 < s.size() && s[end + 1] == '\n');
  }
  return lines + (!s.empty() && s.back() != '\n' && s.back() != '\r');
}

void check_index(const wcs::replay_payload& p) {
  std::size_t begin = 0;
  for (std::size_t i = 0; i < p.lines(); ++i) {
    check(p.line_begin(i) == begin && p.line_end[i] > begin && p.line_end[i] <= p.bytes.size(), "line index out of order");
    check(p.bytes[p.line_end[i] - 1] == '\n', "a line does not end with '\\n'");
    check(p.lines_within(p.line_end[i]) == i + 1, "lines_within disagrees with the index");
    begin = p.line_end[i];
  }
  check(begin == p.bytes.size(), "bytes after the last line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const wcs::replay_payload json = wcs::build_json_payload(simdjson::padded_string(input), "reviewText");
  check_index(json);
  check(json.lines() + json.skipped == universal_lines(input), "a JSON line was neither sent nor skipped");

  // One record on its own, unpadded (the extractor copies it into a padded buffer).
  wcs::field_extractor extractor("reviewText");
  const auto r = extractor.extract(input);
  check(r.status == wcs::extract_status::ok || r.text.empty(), "a failed extraction returned text");

  const wcs::replay_payload plain = wcs::build_plain_payload(input);
  check_index(plain);
  check(plain.bytes.substr(0, size) == input, "the plain reader changed the text");
  return 0;
}
