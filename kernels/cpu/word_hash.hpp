#pragma once
// Word hashing for the CPU tables. Most words are short: for up to 16 bytes the word is read as at most
// two integers (XXH3's own trick of overlapping loads, so nothing past the word is read) and mixed with
// one 64x64->128 multiply; the first integer doubles as the table's inline key prefix. Longer words use
// XXH3 (libxxhash, inlined from its header). Profiled: XXH3's length dispatch cost as much as the table.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace wcs {

struct word_key {
  std::uint64_t hash;
  std::uint64_t prefix;  // with the length, identifies every word of up to 8 bytes
};

namespace detail {

template <class T>
inline T load(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

__extension__ typedef unsigned __int128 uint128;  // GCC/Clang builtin; __extension__ keeps -Wpedantic quiet

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  const uint128 r = static_cast<uint128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

}  // namespace detail

[[gnu::always_inline]] inline word_key key_word(const std::uint8_t* p, std::size_t length) {
  using detail::load;
  std::uint64_t a;
  std::uint64_t b = 0;
  if (length >= 8) {
    a = load<std::uint64_t>(p);
    if (length > 16) return {XXH3_64bits(p, length), a};
    b = load<std::uint64_t>(p + length - 8);
  } else if (length >= 4) {
    a = load<std::uint32_t>(p) | (std::uint64_t{load<std::uint32_t>(p + length - 4)} << 32);
  } else if (length > 0) {
    a = p[0] | (std::uint64_t{p[length / 2]} << 8) | (std::uint64_t{p[length - 1]} << 16);
  } else {
    a = 0;
  }
  return {detail::mix(a ^ 0x9E3779B97F4A7C15ull ^ length, b ^ 0xC2B2AE3D27D4EB4Full), a};
}

inline std::uint64_t hash_word(const void* data, std::size_t length) {
  return key_word(static_cast<const std::uint8_t*>(data), length).hash;
}
inline std::uint64_t hash_word(std::string_view w) { return hash_word(w.data(), w.size()); }

}  // namespace wcs
