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
    // Word starts are word bytes after a space, word ends are spaces after a word byte (the byte before
    // the block counts as a space unless a word is open). Starts and ends alternate, so the k-th start
    // of the block pairs with the k-th end after an open word's end; padding spaces end a word at n.
    const std::uint64_t space = m.space;
    const std::uint64_t before = (space << 1) | std::uint64_t{!cursor.in_word};
    std::uint64_t starts = ~space & before;
    std::uint64_t ends = space & ~before;
    if (cursor.in_word && ends != 0) {
      fn(p + cursor.start, i + static_cast<std::size_t>(__builtin_ctzll(ends)) - cursor.start, cursor.malformed);
      ends &= ends - 1;
      cursor.in_word = false;
    }
    while (starts != 0) {
      const std::size_t s = i + static_cast<std::size_t>(__builtin_ctzll(starts));
      starts &= starts - 1;
      if (ends == 0) {
        cursor.in_word = true;
        cursor.start = s;
        cursor.malformed = false;
        break;
      }
      fn(p + s, i + static_cast<std::size_t>(__builtin_ctzll(ends)) - s, false);
      ends &= ends - 1;
    }
    i += 64;
  }
  cursor.finish(p, n, fn);
}

}  // namespace wcs
