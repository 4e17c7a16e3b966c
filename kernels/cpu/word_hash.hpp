#pragma once
// The CPU path hashes word bytes with XXH3 (libxxhash): fast on the short keys words are.
#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace wcs {

inline std::uint64_t hash_word(const void* data, std::size_t length) { return XXH3_64bits(data, length); }
inline std::uint64_t hash_word(std::string_view w) { return XXH3_64bits(w.data(), w.size()); }

}  // namespace wcs
