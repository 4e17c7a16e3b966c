#pragma once
// The hash of the device word table: FNV-1a over the word's bytes, then murmur3's 64-bit finalizer so
// the low bits (the slot index) depend on every byte. One thread hashes one word, byte by byte, which
// needs no alignment (words start anywhere). The CPU tables hash differently (kernels/cpu/word_hash.hpp:
// a multiply for words of up to 16 bytes, XXH3 beyond); each hash only has to agree within its own table.
#include <cstddef>
#include <cstdint>

#include "kernels/common/hd.hpp"

namespace wcs::cuda {

WCS_HD std::uint64_t fnv1a64(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

WCS_HD std::uint64_t fmix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

WCS_HD std::uint64_t hash_bytes(const std::uint8_t* p, std::size_t n) { return fmix64(fnv1a64(p, n)); }

}  // namespace wcs::cuda
