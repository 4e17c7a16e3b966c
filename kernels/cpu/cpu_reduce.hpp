#pragma once
// reduceByKey on the CPU: a chunk of whole lines is cut at ASCII whitespace into slices, and oneTBB
// tasks tokenize each slice into their worker's local table (no lock, no allocation per word). At the
// end of a batch the per-worker tables are drained (a word may appear in several of them).
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/cpu/local_word_table.hpp"
#include "kernels/cpu/simd_dispatch.hpp"

namespace wcs {

class cpu_reducer {
 public:
  explicit cpu_reducer(const simd::implementation& simd = simd::active(), std::size_t slice_bytes = 64 * 1024);

  // Tokenizes and counts text (whole lines) into the open batch; parallel, returns when done.
  void add(std::span<const std::uint8_t> text);

  // Worker tables (each drain() hands out one table's words under one index below this).
  std::size_t tables() const { return locals_.size(); }
  // What the worker tables hold: the distinct words of the largest (what one table's drain can hand
  // out), and the distinct words and their bytes summed over the tables (what all drains can).
  struct held_words {
    std::size_t largest = 0;
    std::size_t words = 0;
    std::size_t bytes = 0;
  };
  held_words held() const {
    held_words h;
    for (const auto& local : locals_) {
      h.largest = std::max(h.largest, local.table.size());
      h.words += local.table.size();
      h.bytes += local.table.bytes();
    }
    return h;
  }

  // fn(std::size_t table, std::string_view word, std::uint32_t& id, std::uint64_t count) for every
  // partial count of the open batch (see local_word_table::drain), then empties it. Each worker table
  // is drained by its own task: calls for one table are in order, calls for different tables may run
  // at the same time.
  template <class Fn>
  void drain(Fn&& fn) {
    const std::vector<local_word_table*> all = worker_tables();
    std::vector<std::uint64_t> words(all.size(), 0);
    tbb::parallel_for(std::size_t{0}, all.size(), [&](std::size_t t) {
      words[t] = all[t]->drain([&](std::string_view word, std::uint32_t& id, std::uint64_t count) { fn(t, word, id, count); });
    });
    for (const std::uint64_t w : words) count_drained(w);
  }

  // The worker tables as drain() numbers them, for a caller that splits each table's drain among
  // tasks (local_word_table::drain_slots) and reports the words drained with count_drained().
  std::vector<local_word_table*> worker_tables() {
    std::vector<local_word_table*> all;
    for (auto& local : locals_) all.push_back(&local.table);
    return all;
  }
  void count_drained(std::uint64_t words) { words_ += words; }

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
