#pragma once
// One batch's reduceByKey result, keyed by dictionary id (sparse: only the words the batch holds).
#include <cstdint>
#include <vector>

namespace wcs {

struct batch_table {
  std::int64_t batch_ms = 0;
  std::vector<std::uint32_t> ids;
  std::vector<std::uint64_t> counts;

  std::size_t size() const { return ids.size(); }
  void clear() {
    ids.clear();
    counts.clear();
  }
};

}  // namespace wcs
