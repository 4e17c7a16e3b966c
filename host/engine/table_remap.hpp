#pragma once
// Moving tables to the ids of a compacted dictionary (see dictionary::compact).
#include <algorithm>
#include <cstdint>
#include <span>

#include "host/engine/batch_table.hpp"
#include "host/engine/dictionary.hpp"

namespace wcs {

// The dictionary size after a compaction: kept ids are renumbered densely from 0.
inline std::size_t remapped_size(std::span<const std::uint32_t> old_to_new) {
  return static_cast<std::size_t>(
      std::count_if(old_to_new.begin(), old_to_new.end(), [](std::uint32_t to) { return to != dictionary::no_id; }));
}

// Renumbers a sparse table whose ids were all marked live.
inline void remap_ids(batch_table& table, std::span<const std::uint32_t> old_to_new) {
  for (std::uint32_t& id : table.ids) id = old_to_new[id];
}

}  // namespace wcs
