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

// Only what the host must have: the words the device has no id for, and the batch's sizes. Every
// (id, count) entry stays in device memory (settle_batch hands them over as batch_entries).
struct batch_result {
  std::size_t entries = 0;             // distinct words in the batch
  std::size_t fresh = 0;               // of them, words without an id: fresh word k is
  std::vector<std::uint64_t> offsets;  // bytes[offsets[k], offsets[k + 1]) (when fresh > 0)
  std::vector<char> bytes;
  std::uint64_t words = 0;             // words counted in the batch
};

}  // namespace wcs::cuda
