#pragma once
// The per-entry arithmetic of the count tables (updateStateByKey(sum) and reduceByKeyAndWindow(+, -)),
// one definition for the CPU loops and the CUDA kernels: entry i of a sparse batch is applied to the
// dense id-indexed table. `touched` remembers which ids ever held a count (for --keep-zero output).
#include <cstddef>
#include <cstdint>

#include "kernels/common/hd.hpp"

namespace wcs {

// table[ids[i]] += counts[i] (sign > 0) or -= counts[i] (sign < 0). Ids within one batch are unique, so
// entries never collide and need no atomics.
WCS_HD void apply_batch_entry(std::uint64_t* table, std::uint8_t* touched, const std::uint32_t* ids,
                              const std::uint64_t* counts, int sign, std::size_t i) {
  const std::uint32_t id = ids[i];
  table[id] = sign > 0 ? table[id] + counts[i] : table[id] - counts[i];
  touched[id] = 1;
}

// The size a table grows to when it must hold `max_id`: half again, so growth is rare.
WCS_HD std::size_t grown_size(std::uint32_t max_id) { return std::size_t{max_id} + 1 + max_id / 2; }

// After a dictionary compaction: moves entry `id` to its new id (old_to_new[id]; ~0 for a dropped word).
WCS_HD void remap_entry(const std::uint64_t* from_counts, const std::uint8_t* from_touched, std::uint64_t* to_counts,
                        std::uint8_t* to_touched, const std::uint32_t* old_to_new, std::size_t id) {
  const std::uint32_t to = old_to_new[id];
  if (to == ~std::uint32_t{0}) return;
  to_counts[to] = from_counts[id];
  to_touched[to] = from_touched[id];
}

// Whether entry `id` is part of a view's output: a positive count, or with keep_zero any id that ever
// held one (PySpark's incremental window keeps ('w', 0) for ever).
WCS_HD bool entry_visible(const std::uint64_t* table, const std::uint8_t* touched, bool keep_zero, std::size_t id) {
  return table[id] != 0 || (keep_zero && touched[id] != 0);
}

}  // namespace wcs
