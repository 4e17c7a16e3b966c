#pragma once
// Our deterministic record order (Spark's is an accident of hashing): count descending, then word by
// code point. UTF-8 byte order is code point order, so words compare as bytes.
#include <algorithm>
#include <vector>

#include "host/tables/batch_table.hpp"
#include "host/sink/word_count.hpp"

namespace wcs {

inline bool record_before(const word_count& a, const word_count& b) {
  if (a.count != b.count) return a.count > b.count;
  return a.word < b.word;
}

// Orders every record (what a text file holds; pprint takes top_records below).
inline void order_records(std::vector<word_count>& records) { std::sort(records.begin(), records.end(), record_before); }

// Sets `out` to the first `num` records of `table` in order, word_of(id) giving each word. What
// pprint shows, without building a record for every word: a word is looked up only when its count
// could still place it (the kept records are a heap whose front is the last of them).
template <class WordOf>
void top_records(const batch_table& batch, WordOf&& word_of, std::size_t num, std::vector<word_count>& out) {
  out.clear();
  if (num == 0) return;
  const host_entries& table = batch.host();
  for (std::size_t i = 0; i < table.size(); ++i) {
    const std::uint64_t count = table.counts[i];
    if (out.size() == num && count < out.front().count) continue;
    const word_count r{word_of(table.ids[i]), count};
    if (out.size() < num) {
      out.push_back(r);
      std::push_heap(out.begin(), out.end(), record_before);
    } else if (record_before(r, out.front())) {
      std::pop_heap(out.begin(), out.end(), record_before);
      out.back() = r;
      std::push_heap(out.begin(), out.end(), record_before);
    }
  }
  std::sort_heap(out.begin(), out.end(), record_before);
}

}  // namespace wcs
