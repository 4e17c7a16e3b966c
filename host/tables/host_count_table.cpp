#include <algorithm>

#include "host/tables/count_table.hpp"
#include "kernels/tables/table_ops.hpp"

namespace wcs {
namespace {

class host_count_table final : public count_table {
 public:
  void apply(const batch_table& table, int sign) override {
    const host_entries& batch = table.host();
    std::uint32_t max_id = 0;
    for (const std::uint32_t id : batch.ids) max_id = std::max(max_id, id);
    if (!batch.ids.empty() && max_id >= counts_.size()) {
      counts_.resize(grown_size(max_id), 0);
      touched_.resize(counts_.size(), 0);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      apply_batch_entry(counts_.data(), touched_.data(), batch.ids.data(), batch.counts.data(), sign, i);
    }
  }

  void collect(batch_table& table, bool keep_zero) const override {
    table.clear();
    host_entries& out = table.edit_host();
    for (std::size_t id = 0; id < counts_.size(); ++id) {
      if (!entry_visible(counts_.data(), touched_.data(), keep_zero, id)) continue;
      out.ids.push_back(static_cast<std::uint32_t>(id));
      out.counts.push_back(counts_[id]);
    }
  }

  void mark_live(std::vector<bool>& live, bool keep_zero) const override {
    for (std::size_t id = 0; id < counts_.size(); ++id) {
      if (entry_visible(counts_.data(), touched_.data(), keep_zero, id)) live[id] = true;
    }
  }

  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) override {
    std::vector<std::uint64_t> counts(new_size, 0);
    std::vector<std::uint8_t> touched(new_size, 0);
    const std::size_t n = std::min(counts_.size(), old_to_new.size());
    for (std::size_t id = 0; id < n; ++id) {
      remap_entry(counts_.data(), touched_.data(), counts.data(), touched.data(), old_to_new.data(), id);
    }
    counts_.swap(counts);
    touched_.swap(touched);
  }

  void download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched) const override {
    counts = counts_;
    touched = touched_;
  }

  void upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched) override {
    counts_.assign(counts.begin(), counts.end());
    touched_.assign(touched.begin(), touched.end());
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::vector<std::uint8_t> touched_;
};

}  // namespace

std::unique_ptr<count_table> make_host_count_table() { return std::make_unique<host_count_table>(); }

}  // namespace wcs
