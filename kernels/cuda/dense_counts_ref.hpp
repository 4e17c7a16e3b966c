#pragma once
// Per-thread bodies of the device count tables (state totals, window sums): dense arrays indexed by
// dictionary id. The arithmetic is kernels/tables/table_ops.hpp, shared with the CPU tables.
//   apply          one thread per batch entry: table[id] +/-= count (ids unique: no atomics)
//   visible_flag   scan input, one per id: entry_visible
//   select         one thread per id: visible entries to (id, count) at their scanned position
//   remap          one thread per old id: moves an entry after dictionary compaction
//   at_least       scan input, one per selected entry: its count reaches a threshold
//   pick           one thread per selected entry: those at_least to their scanned position
#include <cstdint>

#include "kernels/common/hd.hpp"
#include "kernels/tables/table_ops.hpp"

namespace wcs::cuda {

struct dense_counts_ref {
  std::uint64_t* counts;
  std::uint8_t* touched;
};

struct apply_body {
  dense_counts_ref t;
  const std::uint32_t* ids;
  const std::uint64_t* counts;
  int sign;
  WCS_HD void operator()(std::size_t i) const { apply_batch_entry(t.counts, t.touched, ids, counts, sign, i); }
};

struct visible_flag {
  dense_counts_ref t;
  bool keep_zero;
  WCS_HD std::uint32_t operator()(std::size_t id) const { return entry_visible(t.counts, t.touched, keep_zero, id) ? 1u : 0u; }
};

struct select_body {
  visible_flag visible;
  const std::uint32_t* position;  // inclusive scan of visible
  std::uint32_t* out_ids;
  std::uint64_t* out_counts;
  WCS_HD void operator()(std::size_t id) const {
    if (!visible(id)) return;
    const std::uint32_t k = position[id] - 1;
    out_ids[k] = static_cast<std::uint32_t>(id);
    out_counts[k] = visible.t.counts[id];
  }
};

struct remap_body {
  dense_counts_ref from;
  dense_counts_ref to;
  const std::uint32_t* old_to_new;
  WCS_HD void operator()(std::size_t id) const {
    remap_entry(from.counts, from.touched, to.counts, to.touched, old_to_new, id);
  }
};

struct at_least {
  const std::uint64_t* counts;
  std::uint64_t threshold;
  WCS_HD std::uint32_t operator()(std::size_t i) const { return counts[i] >= threshold ? 1u : 0u; }
};

struct pick_body {
  at_least kept;
  const std::uint32_t* position;  // inclusive scan of kept
  const std::uint32_t* ids;
  std::uint32_t* out_ids;
  std::uint64_t* out_counts;
  WCS_HD void operator()(std::size_t i) const {
    if (!kept(i)) return;
    const std::uint32_t k = position[i] - 1;
    out_ids[k] = ids[i];
    out_counts[k] = kept.counts[i];
  }
};

}  // namespace wcs::cuda
