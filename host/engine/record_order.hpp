#pragma once
// Our deterministic record order (Spark's is an accident of hashing): count descending, then word by
// code point. UTF-8 byte order is code point order, so words compare as bytes.
#include <algorithm>
#include <vector>

#include "host/sink/word_count.hpp"

namespace wcs {

inline bool record_before(const word_count& a, const word_count& b) {
  if (a.count != b.count) return a.count > b.count;
  return a.word < b.word;
}

// Orders the first `first` records (all when first >= size); the rest stay unordered.
inline void order_records(std::vector<word_count>& records, std::size_t first) {
  if (first >= records.size()) {
    std::sort(records.begin(), records.end(), record_before);
  } else {
    std::partial_sort(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(first), records.end(), record_before);
  }
}

}  // namespace wcs
