#include "ingest/replay/payload.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace wcs {

std::size_t replay_payload::lines_within(std::size_t n) const {
  return static_cast<std::size_t>(std::upper_bound(line_end.begin(), line_end.end(), n) - line_end.begin());
}

field_extractor::result field_extractor::extract(std::string_view line, bool padded) {
  simdjson::dom::element doc;
  if (parser_.parse(line.data(), line.size(), !padded).get(doc) != simdjson::SUCCESS) {
    return {extract_status::invalid_json, {}};
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return {extract_status::not_object, {}};
  // Walk every key rather than at_key(): Python's dict keeps the last of duplicate keys.
  bool found = false;
  simdjson::dom::element value;
  for (const simdjson::dom::key_value_pair field : object) {
    if (field.key == field_) {
      value = field.value;
      found = true;
    }
  }
  if (!found) return {extract_status::missing_field, {}};
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return {extract_status::not_string, {}};
  return {extract_status::ok, text};
}

namespace {

[[noreturn]] void throw_read_error(const std::string& path, int err) {
  throw std::runtime_error(fmt::format("cannot read {}: {}", path == "-" ? "stdin" : path, std::strerror(err)));
}

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd > STDIN_FILENO) ::close(fd);
  }
};

}  // namespace

simdjson::padded_string read_input(const std::string& path) {
  const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_read_error(path, errno);
  const fd_closer closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_read_error(path, errno);
  // Read to EOF rather than trusting st_size: stdin may be a pipe, and a file may grow meanwhile.
  std::string text;
  text.reserve(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 0);
  constexpr std::size_t chunk = std::size_t{1} << 20;
  for (;;) {
    const std::size_t old = text.size();
    text.resize(std::max(text.capacity(), old + chunk));
    const ssize_t n = ::read(fd, text.data() + old, text.size() - old);
    if (n < 0 && errno == EINTR) {
      text.resize(old);
      continue;
    }
    if (n < 0) throw_read_error(path, errno);
    text.resize(old + static_cast<std::size_t>(n));
    if (n == 0) break;
  }
  return simdjson::padded_string(text);
}

replay_payload build_json_payload(const simdjson::padded_string& content, const std::string& field) {
  replay_payload payload;
  payload.bytes.reserve(content.size());
  field_extractor extractor(field);
  const char* const data = content.data();
  const std::size_t size = content.size();
  // Positions of the next '\n' and '\r' at or after the cursor, refreshed only when passed, so each
  // byte is scanned once by memchr.
  auto find = [&](char c, std::size_t from) {
    const void* hit = from < size ? std::memchr(data + from, c, size - from) : nullptr;
    return hit != nullptr ? static_cast<std::size_t>(static_cast<const char*>(hit) - data) : size;
  };
  std::size_t next_lf = find('\n', 0);
  std::size_t next_cr = find('\r', 0);
  std::size_t pos = 0;
  while (pos < size) {
    if (next_lf < pos) next_lf = find('\n', pos);
    if (next_cr < pos) next_cr = find('\r', pos);
    const std::size_t end = std::min(next_lf, next_cr);
    std::size_t next = end + 1;
    if (end == next_cr && next_cr + 1 == next_lf) next = end + 2;  // "\r\n" is one terminator
    // The padded_string keeps SIMDJSON_PADDING readable bytes past its end, hence past every line.
    const field_extractor::result r = extractor.extract({data + pos, end - pos}, true);
    if (r.status == extract_status::ok) {
      payload.bytes.append(r.text);
      payload.bytes.push_back('\n');
      payload.line_end.push_back(payload.bytes.size());
    } else {
      ++payload.skipped;
    }
    pos = next;
  }
  payload.bytes.shrink_to_fit();
  return payload;
}

replay_payload build_plain_payload(std::string_view content) {
  replay_payload payload;
  payload.bytes.reserve(content.size() + 1);
  payload.bytes.append(content);
  if (!content.empty() && content.back() != '\n') payload.bytes.push_back('\n');
  const char* const data = payload.bytes.data();
  const std::size_t size = payload.bytes.size();
  for (std::size_t pos = 0; pos < size;) {
    const auto* lf = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    pos = static_cast<std::size_t>(lf - data) + 1;
    payload.line_end.push_back(pos);
  }
  return payload;
}

}  // namespace wcs
