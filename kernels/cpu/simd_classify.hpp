#pragma once
// Byte classification for the CPU tokenizer, compiled once per instruction set and chosen at run time
// (simdjson's model): the first supported entry of {avx2, sse2, scalar} wins, and the environment
// variable WCS_SIMD=avx2|sse2|scalar forces one (an unsupported or unknown choice is an error).
#include <cstdint>
#include <span>
#include <string_view>

namespace wcs::simd {

// For 64 bytes at p: bit i of `space` is set when p[i] is an ASCII whitespace byte (Python's
// str.split() set restricted to ASCII), bit i of `high` when p[i] >= 0x80.
struct block_masks {
  std::uint64_t space;
  std::uint64_t high;
};

using classify_fn = block_masks (*)(const std::uint8_t* p);

// For 64 bytes at p: bit i of `lf` is set when p[i] == '\n', of `cr` when p[i] == '\r'.
struct line_masks {
  std::uint64_t lf;
  std::uint64_t cr;
};

using line_fn = line_masks (*)(const std::uint8_t* p);

struct implementation {
  std::string_view name;
  classify_fn classify;
  line_fn line_ends;
};

// The implementation in use; chosen once, on first call. Throws std::runtime_error when WCS_SIMD names
// an instruction set that is unknown or not supported by this CPU.
const implementation& active();

// Every implementation this CPU supports, best first (tests run each of them).
std::span<const implementation> supported();

}  // namespace wcs::simd
