#pragma once
// The CPU tokenizer: Python str.split() over a buffer of whole lines, 64 bytes at a time. Blocks of
// pure ASCII are split with bit masks; a block holding any byte >= 0x80 goes through the exact
// sequential path (word_cursor), so the result equals for_each_word on every input.
#include <cstdint>
#include <cstring>

#include "kernels/cpu/simd_classify.hpp"
#include "kernels/tokenize/tokenize.hpp"

namespace wcs {

template <class Fn>
void scan_words(const simd::implementation& impl, const std::uint8_t* p, std::size_t n, Fn&& fn) {
  word_cursor cursor;
  std::size_t i = 0;
  alignas(64) std::uint8_t tail[64];
  while (i < n) {
    const std::size_t avail = n - i;
    const std::uint8_t* block = p + i;
    if (avail < 64) {
      // Pad with spaces: a word running to the end of the buffer then ends at n.
      std::memcpy(tail, block, avail);
      std::memset(tail + avail, ' ', 64 - avail);
      block = tail;
    }
    const simd::block_masks m = impl.classify(block);
    if (m.high != 0) {
      i = cursor.scan(p, n, i, i + (avail < 64 ? avail : 64), fn);
      continue;
    }
    // A word byte after a space (or after the previous block's space) starts a word; a space after a
    // word byte ends one. Starts and ends alternate, so walking their union in order toggles state.
    const std::uint64_t space = m.space;
    const std::uint64_t prev_space = (space << 1) | std::uint64_t{!cursor.in_word};
    std::uint64_t edges = (~space & prev_space) | (space & ~prev_space);
    while (edges != 0) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctzll(edges));
      edges &= edges - 1;
      const std::size_t pos = i + bit;
      if (pos >= n) break;
      if (!cursor.in_word) {
        cursor.in_word = true;
        cursor.start = pos;
        cursor.malformed = false;
      } else {
        fn(p + cursor.start, pos - cursor.start, cursor.malformed);
        cursor.in_word = false;
      }
    }
    i += 64;
  }
  cursor.finish(p, n, fn);
}

}  // namespace wcs
