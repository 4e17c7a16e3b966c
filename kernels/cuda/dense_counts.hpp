#pragma once
// A dense id-indexed count table resident in the executor's memory (device memory under cuda_exec):
// the GPU twin of host/tables/host_count_table.cpp, with the same sizes and results. Every operation
// is ordered on the executor's stream and returns when its results are on the host. A batch comes
// either from the host (uploaded) or as the word counter's batch_entries, already in device memory.
#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kernels/cuda/batch_entries.hpp"
#include "kernels/cuda/dense_counts_ref.hpp"
#include "kernels/cuda/top_entries.hpp"

namespace wcs::cuda {

template <class Exec>
class dense_counts {
  template <class T>
  using buffer = typename Exec::template buffer<T>;

 public:
  using entries = batch_entries<Exec>;

  template <class... ExecArgs>
  explicit dense_counts(ExecArgs&&... exec_args) : exec_(std::forward<ExecArgs>(exec_args)...) {}

  Exec& exec() { return exec_; }

  // table[ids[i]] += counts[i] (sign > 0) or -= (sign < 0); grows like the host table to cover every id.
  void apply(std::span<const std::uint32_t> ids, std::span<const std::uint64_t> counts, int sign) {
    if (ids.empty()) return;
    cover(*std::max_element(ids.begin(), ids.end()));
    reserve(batch_ids_, ids.size());
    reserve(batch_counts_, ids.size());
    exec_.upload(batch_ids_.data(), ids.data(), ids.size());
    exec_.upload(batch_counts_.data(), counts.data(), counts.size());
    exec_.for_each(ids.size(), apply_body{ref(), batch_ids_.data(), batch_counts_.data(), sign});
  }

  // The same for entries already in this executor's memory: nothing crosses the bus.
  void apply(const batch_entries<Exec>& batch, int sign) {
    if (batch.size == 0) return;
    cover(batch.max_id);
    exec_.for_each(batch.size, apply_body{ref(), batch.ids.data(), batch.counts.data(), sign});
    // The entries were made on the word counter's stream, which frees them in its own order.
    exec_.synchronize();
  }

  // The visible entries (entry_visible) in id order; only they are copied back.
  void collect(std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts, bool keep_zero) {
    const std::size_t n = select_visible(keep_zero);
    download_selected(out_ids_, out_counts_, n, ids, counts);
  }

  // The visible entries that may be among the first `num` records (count descending, then word):
  // those whose count reaches the num-th largest visible count, ties kept since only the host knows
  // the words that break them; all of them when at most num are visible. Only these are copied back
  // (in id order). Returns how many entries are visible.
  std::size_t collect_top(std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts, std::size_t num,
                          bool keep_zero) {
    const std::size_t n = select_visible(keep_zero);
    top_.download(exec_, out_ids_.data(), out_counts_.data(), n, num, ids, counts);
    return n;
  }

  // Entry id moves to old_to_new[id] (~0: dropped); the table then has new_size entries.
  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) {
    buffer<std::uint64_t> counts = exec_.template allocate<std::uint64_t>(new_size);
    buffer<std::uint8_t> touched = exec_.template allocate<std::uint8_t>(new_size);
    exec_.zero(counts.data(), new_size);
    exec_.zero(touched.data(), new_size);
    const std::size_t n = std::min(size_, old_to_new.size());
    if (n != 0) {
      reserve(batch_ids_, n);
      exec_.upload(batch_ids_.data(), old_to_new.data(), n);
      exec_.for_each(n, remap_body{ref(), {counts.data(), touched.data()}, batch_ids_.data()});
    }
    counts_ = std::move(counts);
    touched_ = std::move(touched);
    size_ = new_size;
  }

  void download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched) {
    counts.resize(size_);
    touched.resize(size_);
    exec_.download(counts.data(), counts_.data(), size_);
    exec_.download(touched.data(), touched_.data(), size_);
  }

  void upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched) {
    if (counts.size() != touched.size()) throw std::invalid_argument("count table upload: counts and touched differ in size");
    size_ = counts.size();
    counts_ = exec_.template allocate<std::uint64_t>(size_);
    touched_ = exec_.template allocate<std::uint8_t>(size_);
    exec_.upload(counts_.data(), counts.data(), size_);
    exec_.upload(touched_.data(), touched.data(), size_);
  }

 private:
  dense_counts_ref ref() { return {counts_.data(), touched_.data()}; }

  template <class T>
  void reserve(buffer<T>& b, std::size_t n) {
    if (b.size() < n) b = exec_.template allocate<T>(std::max(n, b.size() * 2));
  }

  // The visible entries into out_ids_ / out_counts_ (in id order); returns how many.
  std::size_t select_visible(bool keep_zero) {
    if (size_ == 0) return 0;
    const visible_flag visible{ref(), keep_zero};
    reserve(position_, size_);
    exec_.inclusive_sum(size_, visible, position_.data());
    const std::uint32_t n = exec_.read(position_.data() + size_ - 1);
    if (n == 0) return 0;
    reserve(out_ids_, n);
    reserve(out_counts_, n);
    exec_.for_each(size_, select_body{visible, position_.data(), out_ids_.data(), out_counts_.data()});
    return n;
  }

  void download_selected(const buffer<std::uint32_t>& from_ids, const buffer<std::uint64_t>& from_counts, std::size_t n,
                         std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts) {
    ids.resize(n);
    counts.resize(n);
    exec_.download(ids.data(), from_ids.data(), n);
    exec_.download(counts.data(), from_counts.data(), n);
  }

  // Grows (like the host table) so that id max_id has an entry.
  void cover(std::uint32_t max_id) {
    if (max_id >= size_) resize(grown_size(max_id));
  }

  // Grows to new_size entries: old entries kept, new ones zero.
  void resize(std::size_t new_size) {
    buffer<std::uint64_t> counts = exec_.template allocate<std::uint64_t>(new_size);
    buffer<std::uint8_t> touched = exec_.template allocate<std::uint8_t>(new_size);
    exec_.copy(counts.data(), counts_.data(), size_);
    exec_.copy(touched.data(), touched_.data(), size_);
    exec_.zero(counts.data() + size_, new_size - size_);
    exec_.zero(touched.data() + size_, new_size - size_);
    counts_ = std::move(counts);
    touched_ = std::move(touched);
    size_ = new_size;
  }

  Exec exec_;
  buffer<std::uint64_t> counts_;
  buffer<std::uint8_t> touched_;
  std::size_t size_ = 0;
  // Staging for uploads and results (grown on demand).
  buffer<std::uint32_t> batch_ids_;
  buffer<std::uint64_t> batch_counts_;
  buffer<std::uint32_t> position_;
  buffer<std::uint32_t> out_ids_;
  buffer<std::uint64_t> out_counts_;
  top_entries<Exec> top_;
};

}  // namespace wcs::cuda
