#pragma once
// UTF-8 decoding with malformed input replaced by U+FFFD exactly as the JDK 17 decoder does
// (sun.nio.cs.UTF_8, used by Spark's socketTextStream). Every malformed unit becomes one U+FFFD;
// the unit lengths differ from Python's in one place: an encoded surrogate (ED A0 80) is ONE unit.
#include <cstddef>
#include <cstdint>

#include "kernels/common/hd.hpp"

namespace wcs {

inline constexpr char32_t replacement_char = 0xFFFD;

struct utf8_unit {
  char32_t code_point;  // U+FFFD when malformed
  std::uint8_t length;  // bytes consumed, 1..4
  bool malformed;
};

WCS_HD bool is_continuation(std::uint8_t b) { return (b & 0xC0) == 0x80; }

// Decodes the unit starting at p[0]; `available` bytes are readable. When the sequence needs more
// bytes than are available the stream has ended (callers only cut buffers after an ASCII line
// terminator, which always ends a pending sequence), and the JDK then replaces the rest in one unit.
WCS_HD utf8_unit decode_unit(const std::uint8_t* p, std::size_t available) {
  const std::uint8_t b1 = p[0];
  if (b1 < 0x80) return {b1, 1, false};
  const auto bad = [](std::size_t len) { return utf8_unit{replacement_char, static_cast<std::uint8_t>(len), true}; };
  if (b1 >= 0xC2 && b1 <= 0xDF) {  // 2 bytes
    if (available < 2) return bad(available);
    if (!is_continuation(p[1])) return bad(1);
    return {static_cast<char32_t>(((b1 & 0x1F) << 6) | (p[1] & 0x3F)), 2, false};
  }
  if ((b1 & 0xF0) == 0xE0) {  // 3 bytes
    // E0 followed by 80..9F would be overlong: the JDK rejects the lead byte alone.
    const auto bad_second = [&](std::uint8_t b2) { return (b1 == 0xE0 && (b2 & 0xE0) == 0x80) || !is_continuation(b2); };
    if (available < 3) {
      if (available > 1 && bad_second(p[1])) return bad(1);
      return bad(available);
    }
    if (bad_second(p[1])) return bad(1);
    if (!is_continuation(p[2])) return bad(2);
    const char32_t c = ((b1 & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    if (c >= 0xD800 && c <= 0xDFFF) return bad(3);  // surrogates: one unit (Python says three)
    return {c, 3, false};
  }
  if ((b1 & 0xF8) == 0xF0) {  // 4 bytes
    const auto bad_second = [&](std::uint8_t b2) {
      return b1 > 0xF4 || (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) || (b1 == 0xF4 && (b2 & 0xF0) != 0x80) ||
             !is_continuation(b2);
    };
    if (available < 4) {
      if (b1 > 0xF4 || (available > 1 && bad_second(p[1]))) return bad(1);
      if (available > 2 && !is_continuation(p[2])) return bad(2);
      return bad(available);
    }
    if (bad_second(p[1])) return bad(1);
    if (!is_continuation(p[2])) return bad(2);
    if (!is_continuation(p[3])) return bad(3);
    return {static_cast<char32_t>(((b1 & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F)), 4,
            false};
  }
  return bad(1);  // lone continuation byte, C0, C1, F8..FF
}

// Encodes a code point as UTF-8 into out (at least 4 bytes); returns the length.
WCS_HD std::size_t encode_utf8(char32_t c, std::uint8_t* out) {
  if (c < 0x80) {
    out[0] = static_cast<std::uint8_t>(c);
    return 1;
  }
  if (c < 0x800) {
    out[0] = static_cast<std::uint8_t>(0xC0 | (c >> 6));
    out[1] = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = static_cast<std::uint8_t>(0xE0 | (c >> 12));
    out[1] = static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F));
    out[2] = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = static_cast<std::uint8_t>(0xF0 | (c >> 18));
  out[1] = static_cast<std::uint8_t>(0x80 | ((c >> 12) & 0x3F));
  out[2] = static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F));
  out[3] = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
  return 4;
}

}  // namespace wcs
