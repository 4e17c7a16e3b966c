#pragma once
// One batch's reduceByKey result, keyed by dictionary id (sparse: only the words the batch holds).
#include <cstdint>
#include <memory>
#include <vector>

namespace wcs {

// The same entries where the backend computes (device memory), left there by the backend that made
// them so its count tables apply them without an upload. Opaque: only that backend's tables read it.
class resident_batch {
 public:
  virtual ~resident_batch() = default;
};

struct batch_table {
  std::int64_t batch_ms = 0;
  std::vector<std::uint32_t> ids;
  std::vector<std::uint64_t> counts;
  // Null on the CPU backend, and once the ids were renumbered on the host only (dictionary compaction).
  std::shared_ptr<const resident_batch> resident;

  std::size_t size() const { return ids.size(); }
  void clear() {
    ids.clear();
    counts.clear();
    resident.reset();
  }
};

}  // namespace wcs
