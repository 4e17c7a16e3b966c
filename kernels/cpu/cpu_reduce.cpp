#include "kernels/cpu/cpu_reduce.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "kernels/cpu/word_hash.hpp"
#include "kernels/cpu/word_scan.hpp"

namespace wcs {
namespace {

using worker_state = cpu_reducer::worker_state;

// The slice kernel for one instruction set: tokenizer, hashing and the table's hit path in one loop
// (the table's probe); new words, words over 16 bytes and malformed words are added out of the loop.
template <class Isa>
void reduce_slice(worker_state& local, const std::uint8_t* p, std::size_t n) {
  struct {
    worker_state& local;
    const std::uint8_t* end;

    local_word_table::probe probe() { return local.table.hot_probe(); }
    [[gnu::noinline]] void words(const std::uint8_t* block, const deferred_word* w, unsigned count) {
      for (unsigned k = 0; k < count; ++k) {
        const std::uint8_t* word = block + w[k].start;
        local.table.add(word, w[k].length, key_word_loadable(word, w[k].length));
      }
    }
    [[gnu::noinline]] void any(const std::uint8_t* w, std::size_t length, bool malformed) {
      if (!malformed) {
        local.table.add(w, length, key_word(w, length, end));
        return;
      }
      local.repaired.resize(repaired_length(w, length));
      repair_word(w, length, local.repaired.data());
      local.table.add(local.repaired.data(), local.repaired.size(), key_word(local.repaired.data(), local.repaired.size()));
    }
  } sink{local, p + n};
  local.table.reserve(n);  // a slice of n bytes holds at most n words
  simd::compiled_for(Isa{}, [&](Isa) { scan_words<Isa>(p, n, sink); });
}

}  // namespace

cpu_reducer::cpu_reducer(const simd::implementation& simd, std::size_t slice_bytes)
    : reduce_slice_(simd::with_isa(simd.kind, [](auto isa) -> slice_fn { return &reduce_slice<decltype(isa)>; })),
      slice_bytes_(slice_bytes) {}

void cpu_reducer::add(std::span<const std::uint8_t> text) {
  const std::uint8_t* p = text.data();
  const std::size_t n = text.size();
  if (n <= slice_bytes_) {
    reduce_slice_(locals_.local(), p, n);
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
    for (std::size_t s = r.begin(); s != r.end(); ++s) reduce_slice_(local, p + cuts[s], cuts[s + 1] - cuts[s]);
  });
}

}  // namespace wcs
