#pragma once
// reduceByKey on the CPU: a chunk of whole lines is cut at ASCII whitespace into slices, and oneTBB
// tasks tokenize each slice into their worker's local table (no lock, no allocation per word). At the
// end of a batch the per-worker tables are drained (a word may appear in several of them).
#include <tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "kernels/cpu/local_word_table.hpp"
#include "kernels/cpu/simd_classify.hpp"

namespace wcs {

class cpu_reducer {
 public:
  explicit cpu_reducer(const simd::implementation& simd = simd::active(), std::size_t slice_bytes = 64 * 1024);

  // Tokenizes and counts p[0, n) into the open batch; parallel, returns when done.
  void add(std::span<const std::uint8_t> text);

  // fn(std::string_view word, std::uint64_t hash, std::uint64_t count) for every partial count of the
  // open batch, then empties it. Serial.
  template <class Fn>
  void drain(Fn&& fn) {
    for (auto& local : locals_) {
      local.table.for_each(fn);
      local.table.clear();
      words_ += local.words;
      local.words = 0;
    }
  }

  // Words counted by the drains so far (statistics).
  std::uint64_t drained_words() const { return words_; }

 private:
  struct worker_state {
    local_word_table table;
    std::uint64_t words = 0;
    std::vector<std::uint8_t> repaired;  // scratch for words holding malformed UTF-8
  };

  void reduce_slice(worker_state& local, const std::uint8_t* p, std::size_t n) const;

  const simd::implementation& simd_;
  std::size_t slice_bytes_;
  tbb::enumerable_thread_specific<worker_state> locals_;
  std::uint64_t words_ = 0;
};

}  // namespace wcs
