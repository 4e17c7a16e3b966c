#pragma once
// What the GPU word counter hands the host at the end of a batch (host-only types, no CUDA).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wcs::cuda {

// The id of a word the host has not numbered yet.
inline constexpr std::uint32_t no_id = ~std::uint32_t{0};

// A chunk's offsets (input and repaired words) must fit in 32 bits: repair at most triples a word.
inline constexpr std::size_t max_chunk_bytes = (std::size_t{1} << 30) - 1;

struct batch_result {
  std::vector<std::uint32_t> ids;      // dictionary id, or no_id: the word's bytes are sent
  std::vector<std::uint64_t> counts;
  std::vector<std::uint64_t> offsets;  // when fresh > 0: entry t's word is bytes[offsets[t], offsets[t + 1])
  std::vector<char> bytes;
  std::size_t fresh = 0;               // entries with no_id
  std::uint64_t words = 0;             // words counted in the batch
};

}  // namespace wcs::cuda
