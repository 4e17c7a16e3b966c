#pragma once
// A closed batch's (id, count) entries in the executor's memory, as word_counter leaves them after
// settle_batch: what dense_counts applies without an upload (and a window keeps while it holds the batch).
#include <cstddef>
#include <cstdint>

namespace wcs::cuda {

template <class Exec>
struct batch_entries {
  typename Exec::template buffer<std::uint32_t> ids;
  typename Exec::template buffer<std::uint64_t> counts;
  std::size_t size = 0;
  std::uint32_t max_id = 0;  // the largest id (for table growth without a device reduction)
};

}  // namespace wcs::cuda
