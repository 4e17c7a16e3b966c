#pragma once
// Word hashing for the CPU tables. Most words are short: up to 16 bytes are read as at most two
// integers and mixed with one 64x64->128 multiply; the first integer doubles as the table's inline key
// prefix. Longer words use XXH3 (libxxhash, inlined from its header). Profiled: XXH3's length dispatch
// cost as much as the table itself.
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

// The low `n` bytes of a little-endian integer, n = 0..8.
inline constexpr std::uint64_t byte_mask[9] = {0,
                                               0xFF,
                                               0xFFFF,
                                               0xFFFFFF,
                                               0xFFFFFFFF,
                                               0xFFFFFFFFFF,
                                               0xFFFFFFFFFFFF,
                                               0xFFFFFFFFFFFFFF,
                                               0xFFFFFFFFFFFFFFFF};

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  const uint128 r = static_cast<uint128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

}  // namespace detail

// The key of the word p[0, length). `readable_end` bounds the memory that may be read: a word of up to
// 8 bytes with 8 readable bytes is one masked load (the hot case); otherwise it is copied. Both give
// the same key: for up to 8 bytes, the word's bytes zero-padded into one little-endian integer.
[[gnu::always_inline]] inline word_key key_word(const std::uint8_t* p, std::size_t length, const std::uint8_t* readable_end) {
  using detail::load;
  if (length <= 8) {
    std::uint64_t a = 0;
    if (p + 8 <= readable_end) {
      a = load<std::uint64_t>(p) & detail::byte_mask[length];
    } else {
      std::memcpy(&a, p, length);
    }
    return {detail::mix(a ^ 0x9E3779B97F4A7C15ull ^ length, 0xC2B2AE3D27D4EB4Full), a};
  }
  const std::uint64_t a = load<std::uint64_t>(p);
  if (length > 16) return {XXH3_64bits(p, length), a};
  return {detail::mix(a ^ 0x9E3779B97F4A7C15ull ^ length, load<std::uint64_t>(p + length - 8) ^ 0xC2B2AE3D27D4EB4Full), a};
}

[[gnu::always_inline]] inline word_key key_word(const std::uint8_t* p, std::size_t length) { return key_word(p, length, p + length); }

inline std::uint64_t hash_word(const void* data, std::size_t length) {
  return key_word(static_cast<const std::uint8_t*>(data), length).hash;
}
inline std::uint64_t hash_word(std::string_view w) { return hash_word(w.data(), w.size()); }

}  // namespace wcs
