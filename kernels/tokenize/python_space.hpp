#pragma once
// Python's str.isspace() (CPython 3.11), which str.split() with no argument splits on:
// exactly these 29 code points. U+200B, U+FEFF and U+180E are NOT whitespace.
#include "kernels/common/hd.hpp"

namespace wcs {

// ASCII bytes that split words: \t \n \v \f \r, 0x1C..0x1F and space.
WCS_HD bool is_ascii_space(unsigned char b) { return (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20); }

WCS_HD bool is_python_space(char32_t c) {
  if (c <= 0x20) return is_ascii_space(static_cast<unsigned char>(c));
  if (c < 0x85) return false;
  if (c == 0x85 || c == 0xA0 || c == 0x1680) return true;
  if (c >= 0x2000 && c <= 0x200A) return true;
  return c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace wcs
