#pragma once
// Word keys for the CPU tables. Most words are short: a word of up to 8 bytes is its bytes, zero-padded
// into one little-endian integer (the `prefix`, which with the length identifies the word), hashed by
// one multiply; 9..16 bytes are two integers mixed by one 64x64->128 multiply; longer words use XXH3
// (libxxhash, inlined from its header). Profiled: XXH3's length dispatch cost as much as the table.
// Tables index by the hash's top bits (hash >> shift): a multiply carries every input bit up there.
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

inline word_key key_short(std::uint64_t prefix) { return {prefix * 0x9E3779B97F4A7C15ull, prefix}; }

inline word_key key_long(const std::uint8_t* p, std::size_t length) {
  const std::uint64_t a = load<std::uint64_t>(p);
  if (length > 16) return {XXH3_64bits(p, length), a};
  return {mix(a ^ 0x9E3779B97F4A7C15ull ^ length, load<std::uint64_t>(p + length - 8) ^ 0xC2B2AE3D27D4EB4Full), a};
}

}  // namespace detail

// The key of the word p[0, length) when the 8 bytes from p are readable: the hot loop's case, where a
// short word is one masked load.
[[gnu::always_inline]] inline word_key key_word_loadable(const std::uint8_t* p, std::size_t length) {
  if (length <= 8) return detail::key_short(detail::load<std::uint64_t>(p) & detail::byte_mask[length]);
  return detail::key_long(p, length);
}

// The key of the word p[0, length), reading nothing at or past `readable_end`. Equal to
// key_word_loadable's: a short word near the end is copied instead of loaded.
[[gnu::always_inline]] inline word_key key_word(const std::uint8_t* p, std::size_t length, const std::uint8_t* readable_end) {
  if (length <= 8 && p + 8 > readable_end) {
    std::uint64_t a = 0;
    std::memcpy(&a, p, length);
    return detail::key_short(a);
  }
  return key_word_loadable(p, length);
}

[[gnu::always_inline]] inline word_key key_word(const std::uint8_t* p, std::size_t length) { return key_word(p, length, p + length); }

inline std::uint64_t hash_word(const void* data, std::size_t length) {
  return key_word(static_cast<const std::uint8_t*>(data), length).hash;
}
inline std::uint64_t hash_word(std::string_view w) { return hash_word(w.data(), w.size()); }

}  // namespace wcs
