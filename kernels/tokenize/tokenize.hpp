#pragma once
// Python `str.split()` over UTF-8 bytes decoded as the JDK decodes them. Two forms of one rule:
//  - for_each_word: sequential scan, the reference (and the CPU slow path for non-ASCII text);
//  - classify_byte: the same decision for one byte position, independent of its neighbours' order,
//    so a GPU thread per byte agrees with the sequential scan (tests check both on the same inputs).
// Buffers always hold whole lines (or end where the stream ended), so decoding never needs bytes
// beyond the buffer.
#include <cstddef>
#include <cstdint>

#include "kernels/common/hd.hpp"
#include "kernels/tokenize/python_space.hpp"
#include "kernels/tokenize/utf8_jdk.hpp"

namespace wcs {

// The word state machine of the sequential scan, exposed so the CPU SIMD scanner can run its fast
// ASCII blocks and this exact path over the same state.
struct word_cursor {
  std::size_t start = 0;
  bool in_word = false;
  bool malformed = false;

  // Feeds the unit at byte i; calls fn(begin, length, has_malformed) when a word ends there.
  template <class Fn>
  WCS_HD void unit(const std::uint8_t* p, std::size_t i, bool space, bool bad, Fn& fn) {
    if (space) {
      if (in_word) fn(p + start, i - start, malformed);
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      start = i;
      malformed = bad;
    } else {
      malformed = malformed || bad;
    }
  }

  // Scans units from byte i until at least byte `until`; returns where it stopped (a unit boundary).
  template <class Fn>
  WCS_HD std::size_t scan(const std::uint8_t* p, std::size_t n, std::size_t i, std::size_t until, Fn& fn) {
    while (i < until) {
      if (p[i] < 0x80) {
        unit(p, i, is_ascii_space(p[i]), false, fn);
        ++i;
      } else {
        const utf8_unit u = decode_unit(p + i, n - i);
        unit(p, i, !u.malformed && is_python_space(u.code_point), u.malformed, fn);
        i += u.length;
      }
    }
    return i;
  }

  template <class Fn>
  WCS_HD void finish(const std::uint8_t* p, std::size_t n, Fn& fn) {
    if (in_word) fn(p + start, n - start, malformed);
    in_word = false;
  }
};

// Calls fn(word_begin, word_length, has_malformed) for each word of p[0, n), in order.
// has_malformed: the word holds malformed UTF-8 and must be repaired (repair_word) before use as a key.
template <class Fn>
WCS_HD void for_each_word(const std::uint8_t* p, std::size_t n, Fn&& fn) {
  word_cursor cursor;
  cursor.scan(p, n, 0, n, fn);
  cursor.finish(p, n, fn);
}

// The decoding unit that holds byte i. Every non-continuation byte starts a unit, and a unit spans at
// most 4 bytes, so the owner of byte i is the nearest non-continuation byte within 3 bytes before it
// if that unit reaches i; otherwise byte i is a lone continuation byte (a unit of its own).
WCS_HD utf8_unit unit_holding(const std::uint8_t* p, std::size_t n, std::size_t i) {
  for (std::size_t back = 0; back <= 3 && back <= i; ++back) {
    const std::size_t j = i - back;
    if (is_continuation(p[j])) continue;
    const utf8_unit u = decode_unit(p + j, n - j);
    if (j + u.length > i) return u;
    break;
  }
  return decode_unit(p + i, n - i);
}

// What byte i of p[0, n) is on its own: part of a whitespace code point, and part of a malformed
// unit (the word holding it must be repaired). One decode of the unit holding it.
struct byte_class {
  bool space;
  bool malformed;
};
WCS_HD byte_class classify_byte(const std::uint8_t* p, std::size_t n, std::size_t i) {
  if (p[i] < 0x80) return {is_ascii_space(p[i]), false};
  const utf8_unit u = unit_holding(p, n, i);
  return {!u.malformed && is_python_space(u.code_point), u.malformed};
}

// Whether the word p[0, n) holds a malformed unit (decoded on its own, as below).
WCS_HD bool word_is_malformed(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const utf8_unit u = decode_unit(p + i, n - i);
    if (u.malformed) return true;
    i += u.length;
  }
  return false;
}

// Length of a word after each malformed unit is replaced by U+FFFD (EF BF BD). Decoding a word on its
// own gives the units it had in the stream: a word ends before a non-continuation byte, which also
// ends any unit in progress there.
WCS_HD std::size_t repaired_length(const std::uint8_t* p, std::size_t n) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < n;) {
    const utf8_unit u = decode_unit(p + i, n - i);
    out += u.malformed ? 3 : u.length;
    i += u.length;
  }
  return out;
}

// Writes the repaired word (repaired_length bytes) to out.
WCS_HD void repair_word(const std::uint8_t* p, std::size_t n, std::uint8_t* out) {
  for (std::size_t i = 0; i < n;) {
    const utf8_unit u = decode_unit(p + i, n - i);
    if (u.malformed) {
      out += encode_utf8(replacement_char, out);
    } else {
      for (std::size_t k = 0; k < u.length; ++k) *out++ = p[i + k];
    }
    i += u.length;
  }
}

}  // namespace wcs
