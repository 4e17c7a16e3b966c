#pragma once
// Shared by the tokenizer tests of both backends: UTF-8 text from code points, and Python's whitespace.
#include <iterator>
#include <string>

#include "kernels/tokenize/utf8_jdk.hpp"

namespace wcs::test {

inline std::string utf8(char32_t c) {
  std::uint8_t b[4];
  return std::string(reinterpret_cast<const char*>(b), encode_utf8(c, b));
}

// CPython 3.11's str.isspace() code points: what str.split() splits on (docs/semantics.md, Words).
inline constexpr char32_t python_spaces[] = {0x09,   0x0A,   0x0B,   0x0C,   0x0D,   0x1C,   0x1D,   0x1E,
                                             0x1F,   0x20,   0x85,   0xA0,   0x1680, 0x2000, 0x2001, 0x2002,
                                             0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
                                             0x2028, 0x2029, 0x202F, 0x205F, 0x3000};

// Look-alikes that are not whitespace, and control characters that are word characters.
inline constexpr char32_t not_spaces[] = {0x200B, 0xFEFF, 0x180E, 0x00, 0x7F};

}  // namespace wcs::test
