#pragma once
// Counters the kernels of one word_counter update atomically, kept in device memory in one struct so
// the host reads them all with one small copy at its synchronization points.
#include <cstdint>

namespace wcs::cuda {

struct pass_counters {
  // Per chunk (zeroed together before each chunk: they lead the struct, up to `filled`).
  std::uint32_t words;         // words in the chunk
  std::uint32_t malformed;     // bytes of malformed UTF-8 units (0: no repair pass)
  std::uint64_t repair_bytes;  // bytes of the repaired words
  std::uint64_t scratch_used;  // repaired words written to scratch so far
  std::uint32_t new_slots;     // slots claimed by the chunk, not yet moved to the arena
  std::uint32_t retries;       // words whose insert met the fill limit (inserted again after growth)
  std::uint64_t new_bytes;     // arena bytes the new slots need
  // The word table.
  std::uint32_t filled;   // occupied (plus momentarily reserved) slots
  std::uint32_t touched;  // slots counted in the open batch
  std::uint64_t arena_used;
  // The batch's end.
  std::uint32_t max_known_id;  // the largest id the table already held for a touched slot
};

}  // namespace wcs::cuda
