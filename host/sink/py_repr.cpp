#include "host/sink/py_repr.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "kernels/tokenize/utf8_jdk.hpp"

namespace wcs {
namespace {

struct cp_range {
  char32_t first;
  char32_t last;
};

constexpr cp_range non_printable[] = {
#include "host/sink/unicode_printable.inc"
};

constexpr char hex_digits[] = "0123456789abcdef";

// CPython writes \xhh, \uhhhh or \Uhhhhhhhh with lower-case hex digits (Objects/unicodeobject.c).
void append_hex_escape(std::string& out, char32_t cp) {
  int digits = 2;
  out += '\\';
  if (cp <= 0xFF) {
    out += 'x';
  } else if (cp <= 0xFFFF) {
    out += 'u';
    digits = 4;
  } else {
    out += 'U';
    digits = 8;
  }
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += hex_digits[(cp >> shift) & 0xF];
  }
}

// True when repr() is just the word between single quotes: printable ASCII without ' or \.
// Branch-free accumulation so the compiler can vectorise the scan.
bool is_plain_ascii(std::string_view s) {
  bool special = false;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    special |= (c < 0x20) | (c > 0x7E) | (c == '\'') | (c == '\\');
  }
  return !special;
}

// repr() of a word that is not plain ASCII (escapes, non-ASCII, quotes).
void append_escaped_repr(std::string& out, std::string_view utf8_word) {
  // Python prefers '...' and switches to "..." only to avoid escaping a ' when there is no ".
  const bool has_single = utf8_word.find('\'') != std::string_view::npos;
  const bool has_double = utf8_word.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';

  out += quote;
  std::size_t i = 0;
  while (i < utf8_word.size()) {
    const auto c = static_cast<unsigned char>(utf8_word[i]);
    if (c < 0x80) {
      ++i;
      if (c == static_cast<unsigned char>(quote) || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c < 0x20 || c == 0x7F) {
        append_hex_escape(out, c);
      } else {
        out += static_cast<char>(c);
      }
      continue;
    }
    // Words are valid UTF-8 by contract; a stray or truncated sequence still decodes (as U+FFFD)
    // without reading past the end, and is re-encoded rather than copied so the output stays valid.
    const utf8_unit u = decode_unit(reinterpret_cast<const std::uint8_t*>(utf8_word.data()) + i, utf8_word.size() - i);
    i += u.length;
    if (py_isprintable(u.code_point)) {
      std::uint8_t bytes[4];
      out.append(reinterpret_cast<const char*>(bytes), encode_utf8(u.code_point, bytes));
    } else {
      append_hex_escape(out, u.code_point);
    }
  }
  out += quote;
}

}  // namespace

bool py_isprintable(char32_t cp) noexcept {
  if (cp >= 0x20 && cp < 0x7F) {
    return true;
  }
  if (cp > 0x10FFFF) {
    return false;
  }
  // The first range whose end is >= cp is the only one that can contain it.
  const auto* it = std::lower_bound(std::begin(non_printable), std::end(non_printable), cp,
                                    [](const cp_range& r, char32_t c) { return r.last < c; });
  return it == std::end(non_printable) || cp < it->first;
}

void append_py_repr(std::string& out, std::string_view utf8_word) {
  if (!is_plain_ascii(utf8_word)) {
    append_escaped_repr(out, utf8_word);
    return;
  }
  out.reserve(out.size() + utf8_word.size() + 2);
  out += '\'';
  out += utf8_word;
  out += '\'';
}

void append_py_tuple(std::string& out, const word_count& r) {
  const fmt::format_int count(r.count);
  if (is_plain_ascii(r.word)) {
    // The common case: one resize and three copies instead of many small appends.
    const std::size_t at = out.size();
    out.resize(at + r.word.size() + count.size() + 6);
    char* p = out.data() + at;
    *p++ = '(';
    *p++ = '\'';
    p = std::copy(r.word.begin(), r.word.end(), p);
    *p++ = '\'';
    *p++ = ',';
    *p++ = ' ';
    p = std::copy(count.data(), count.data() + count.size(), p);
    *p = ')';
    return;
  }
  out += '(';
  append_escaped_repr(out, r.word);
  out += ", ";
  out.append(count.data(), count.size());
  out += ')';
}

}  // namespace wcs
