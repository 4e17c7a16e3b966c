#pragma once
// A dense table of counts indexed by dictionary id: the totals of updateStateByKey and the sums of a
// window. It lives where the backend computes (host memory for the CPU backend, device memory for the
// CUDA backend); views only use this interface, so state and window logic is written once.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "host/tables/batch_table.hpp"

namespace wcs {

class count_table {
 public:
  virtual ~count_table() = default;

  // table[id] += count (sign +1) or -= count (sign -1) for each batch entry; grows to cover every id.
  virtual void apply(const batch_table& batch, int sign) = 0;

  // Every visible entry (count != 0, or keep_zero and ever touched), as (id, count) pairs in id order.
  virtual void collect(batch_table& out, bool keep_zero) const = 0;

  // The visible entries that may be among the first `num` records in record order (count descending,
  // then word): at least every visible entry whose count reaches the num-th largest visible count (ties
  // kept: only the dictionary knows the words that break them), in id order. Returns how many entries
  // are visible. A table in host memory returns them all; a device table copies back only those.
  virtual std::size_t collect_top(batch_table& out, std::size_t /*num*/, bool keep_zero) const {
    collect(out, keep_zero);
    return out.size();
  }

  // Sets live[id] for every visible entry (live.size() >= dictionary size).
  virtual void mark_live(std::vector<bool>& live, bool keep_zero) const = 0;

  // The dictionary was compacted: entry i moves to old_to_new[i]; dropped ids must hold no count.
  virtual void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) = 0;

  // Dense copies for checkpoints: counts and touched flags, index = id.
  virtual void download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched) const = 0;
  virtual void upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched) = 0;
};

// The host-memory table (CPU backend), applying kernels/tables/table_ops.hpp in plain loops. It is
// kept apart from dense_counts<host_exec> (the device table's code on the host executor), which
// stages every batch and scans a table twice to collect it: 3.5% more instructions on a stateful and
// windowed KJV run.
std::unique_ptr<count_table> make_host_count_table();

}  // namespace wcs
