#pragma once
// The replay payload: the input file read and decoded once at start into one contiguous buffer of
// "text\n" lines, so that sending it at full speed is a few large send() calls, never one per line.
#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wcs {

struct replay_payload {
  std::string bytes;                  // every line followed by '\n', in file order
  std::vector<std::size_t> line_end;  // line_end[i]: offset one past the '\n' of line i
  std::size_t skipped = 0;            // JSON records that yielded no line

  std::size_t lines() const { return line_end.size(); }
  std::size_t line_begin(std::size_t i) const { return i == 0 ? 0 : line_end[i - 1]; }
  // Whole lines contained in the first `n` bytes.
  std::size_t lines_within(std::size_t n) const;
};

enum class extract_status { ok, invalid_json, not_object, missing_field, not_string };

// Python's json.loads(line)[field] for one JSON line, as the tutorial's server reads it: the whole
// line must be valid JSON, the last duplicate key wins, and the text comes back decoded (escapes
// resolved, UTF-8). Known gap: simdjson rejects NaN/Infinity literals and integers beyond 64 bits,
// which Python accepts; such records are skipped.
class field_extractor {
 public:
  explicit field_extractor(std::string field) : field_(std::move(field)) {}

  struct result {
    extract_status status;
    std::string_view text;  // valid until the next call
  };

  // Any string: copied into a padded buffer first.
  result extract(std::string_view line) { return extract(line, false); }
  // `padded`: the caller promises line.data() + line.size() + SIMDJSON_PADDING is readable.
  result extract(std::string_view line, bool padded);

 private:
  simdjson::dom::parser parser_;
  std::string field_;
};

// Reads a whole file, or stdin for "-". Throws std::runtime_error with a one-line message.
simdjson::padded_string read_input(const std::string& path);

// JSON lines: one line per record whose `field` is a string. Lines are cut as Python's text mode
// does (universal newlines: \n, \r\n or \r).
replay_payload build_json_payload(const simdjson::padded_string& content, const std::string& field);

// Plain text: the bytes as they are, lines cut at '\n'; a last line without one gets one.
replay_payload build_plain_payload(std::string_view content);

}  // namespace wcs
