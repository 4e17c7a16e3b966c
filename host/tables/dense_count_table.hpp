#pragma once
// A count_table over Counts, the interface of kernels/cuda/dense_counts.hpp: dense_counts<host_exec>
// is the host table (make_host_count_table), dense_counts on the CUDA executor the device table.
#include <cstdint>
#include <span>
#include <vector>

#include "host/tables/count_table.hpp"

namespace wcs {

template <class Counts>
class dense_count_table final : public count_table {
 public:
  void apply(const batch_table& batch, int sign) override { counts_.apply(batch.ids, batch.counts, sign); }

  void collect(batch_table& out, bool keep_zero) const override { counts_.collect(out.ids, out.counts, keep_zero); }

  void mark_live(std::vector<bool>& live, bool keep_zero) const override {
    counts_.collect(ids_, counts_scratch_, keep_zero);
    for (const std::uint32_t id : ids_) live[id] = true;
  }

  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) override { counts_.remap(old_to_new, new_size); }

  void download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched) const override {
    counts_.download(counts, touched);
  }

  void upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched) override {
    counts_.upload(counts, touched);
  }

 private:
  // Device work and its staging buffers behind the interface's const reads.
  mutable Counts counts_;
  mutable std::vector<std::uint32_t> ids_;
  mutable std::vector<std::uint64_t> counts_scratch_;
};

}  // namespace wcs
