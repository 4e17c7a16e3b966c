#pragma once
// reduceByKey on the CPU: a chunk of whole lines is cut at ASCII whitespace into slices, and oneTBB
// tasks tokenize each slice into their worker's local table (no lock, no allocation per word). At the
// end of a batch the per-worker tables are drained (a word may appear in several of them).
#include <tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/cpu/local_word_table.hpp"
#include "kernels/cpu/simd_classify.hpp"

namespace wcs {

class cpu_reducer {
 public:
  explicit cpu_reducer(const simd::implementation& simd = simd::active(), std::size_t slice_bytes = 64 * 1024);

  // Tokenizes and counts text (whole lines) into the open batch; parallel, returns when done.
  void add(std::span<const std::uint8_t> text);

  // fn(std::string_view word, std::uint32_t& id, std::uint64_t count) for every partial count of the
  // open batch (see local_word_table::drain), then empties it. Serial.
  template <class Fn>
  void drain(Fn&& fn) {
    for (auto& local : locals_) {
      local.table.drain([&](std::string_view word, std::uint32_t& id, std::uint64_t count) {
        words_ += count;
        fn(word, id, count);
      });
    }
  }

  // Forgets every word and the ids drains gave them (call between batches).
  void clear() {
    for (auto& local : locals_) local.table.clear();
  }

  // Words counted by the drains so far (the sum of their counts).
  std::uint64_t drained_words() const { return words_; }

  struct worker_state {
    local_word_table table;
    std::vector<std::uint8_t> repaired;  // scratch for words holding malformed UTF-8
  };
  using slice_fn = void (*)(worker_state& local, const std::uint8_t* p, std::size_t n);

 private:
  slice_fn reduce_slice_;
  std::size_t slice_bytes_;
  tbb::enumerable_thread_specific<worker_state> locals_;
  std::uint64_t words_ = 0;
};

}  // namespace wcs
