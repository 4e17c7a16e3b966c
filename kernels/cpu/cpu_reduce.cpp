#include "kernels/cpu/cpu_reduce.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <vector>

#include "kernels/cpu/word_hash.hpp"
#include "kernels/cpu/word_scan.hpp"

namespace wcs {

cpu_reducer::cpu_reducer(const simd::implementation& simd, std::size_t slice_bytes)
    : simd_(simd), slice_bytes_(slice_bytes) {}

// flatten: the tokenizer loop, hashing and the table hit path compile into one loop.
[[gnu::flatten]] void cpu_reducer::reduce_slice(worker_state& local, const std::uint8_t* p, std::size_t n) const {
  std::uint64_t words = 0;
  const std::uint8_t* const end = p + n;
  scan_words(simd_, p, n, [&](const std::uint8_t* w, std::size_t len, bool malformed) {
    ++words;
    if (!malformed) {
      local.table.add(w, len, key_word(w, len, end));
      return;
    }
    local.repaired.resize(repaired_length(w, len));
    repair_word(w, len, local.repaired.data());
    local.table.add(local.repaired.data(), local.repaired.size(), key_word(local.repaired.data(), local.repaired.size()));
  });
  local.words += words;
}

void cpu_reducer::add(std::span<const std::uint8_t> text) {
  const std::uint8_t* p = text.data();
  const std::size_t n = text.size();
  if (n <= slice_bytes_) {
    reduce_slice(locals_.local(), p, n);
    return;
  }
  // Slice ends move forward to an ASCII whitespace byte: such a byte never belongs to a multi-byte
  // unit, so each slice tokenizes exactly as it would inside the whole chunk.
  std::vector<std::size_t> cuts{0};
  for (std::size_t at = slice_bytes_; at < n; at += slice_bytes_) {
    std::size_t c = at > cuts.back() ? at : cuts.back();
    while (c < n && !is_ascii_space(p[c])) ++c;
    if (c >= n) break;
    cuts.push_back(c);
  }
  cuts.push_back(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cuts.size() - 1, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    worker_state& local = locals_.local();
    for (std::size_t s = r.begin(); s != r.end(); ++s) reduce_slice(local, p + cuts[s], cuts[s + 1] - cuts[s]);
  });
}

}  // namespace wcs
