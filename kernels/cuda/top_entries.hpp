#pragma once
// Copies back the (id, count) entries, in the executor's memory, that may be among the first `num`
// records (count descending, then word): those whose count reaches the num-th largest count, ties
// kept since only the host knows the words that break them; all of them when there are at most num.
// Shared by the count tables' output (dense_counts) and a stateless batch's (word_counter), with the
// staging buffers this keeps between calls.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cuda/dense_counts_ref.hpp"

namespace wcs::cuda {

template <class Exec>
class top_entries {
  template <class T>
  using buffer = typename Exec::template buffer<T>;

 public:
  void download(Exec& exec, const std::uint32_t* ids, const std::uint64_t* counts, std::size_t n, std::size_t num,
                std::vector<std::uint32_t>& out_ids, std::vector<std::uint64_t>& out_counts) {
    if (n <= num) {
      copy_back(exec, ids, counts, n, out_ids, out_counts);
      return;
    }
    std::size_t m = 0;
    if (num != 0) {
      reserve(exec, sorted_, n);
      reserve(exec, position_, n);
      exec.sort_descending(n, counts, sorted_.data());
      const at_least kept{counts, exec.read(sorted_.data() + num - 1)};
      exec.inclusive_sum(n, kept, position_.data());
      m = exec.read(position_.data() + n - 1);
      reserve(exec, top_ids_, m);
      reserve(exec, top_counts_, m);
      exec.for_each(n, pick_body{kept, position_.data(), ids, top_ids_.data(), top_counts_.data()});
    }
    copy_back(exec, top_ids_.data(), top_counts_.data(), m, out_ids, out_counts);
  }

 private:
  static void copy_back(Exec& exec, const std::uint32_t* ids, const std::uint64_t* counts, std::size_t n,
                        std::vector<std::uint32_t>& out_ids, std::vector<std::uint64_t>& out_counts) {
    out_ids.resize(n);
    out_counts.resize(n);
    exec.download(out_ids.data(), ids, n);
    exec.download(out_counts.data(), counts, n);
  }

  template <class T>
  static void reserve(Exec& exec, buffer<T>& b, std::size_t n) {
    if (b.size() < n) b = exec.template allocate<T>(std::max(n, b.size() * 2));
  }

  buffer<std::uint64_t> sorted_;
  buffer<std::uint32_t> position_;
  buffer<std::uint32_t> top_ids_;
  buffer<std::uint64_t> top_counts_;
};

}  // namespace wcs::cuda
