#pragma once
// The CPU tokenizer: Python str.split() over a buffer of whole lines, 64 bytes at a time. A block is
// split with bit masks at its ASCII whitespace unless Unicode whitespace may start in it; such blocks
// go through the exact sequential path (word_cursor), so the result equals for_each_word on every input.
//
// scan_words<Isa> is the kernel: enter it through simd::compiled_for (simd_isa.hpp) so the classifier
// inlines. The hot case is fused into the loop that finds words: a short word is offered to the
// sink's probe (a small value held in registers, e.g. a hash table's hit path), and only what the
// probe does not take leaves the loop. The sink provides
//   sink.probe()                         a value P with `bool P::take(word, length)` for words of up
//                                        to 16 bytes with 8 readable bytes; called again after any
//                                        other sink call (which may change what it probes);
//   sink.words(block, deferred, count)   the other words of an ASCII block, in order: deferred[k] is
//                                        {start in block, length}; 8 bytes readable from each start;
//   sink.any(begin, length, malformed)   every other word (malformed: holds malformed UTF-8, see
//                                        repair_word), with nothing readable past the buffer.
// Words reach words() and any() in stream order (words the probe took are not reported).
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/cpu/simd_dispatch.hpp"
#include "kernels/tokenize/tokenize.hpp"

namespace wcs {

struct deferred_word {
  std::uint8_t start;
  std::uint8_t length;
};

// The cursor's `malformed` means "may be malformed" here: set for any word holding a byte >= 0x80 the
// masks let through, or a unit the sequential path could not decode (which may be a false alarm when
// that path starts inside a unit begun in the block before). A flagged word is decoded again on its
// own, which gives the units it had in the stream (see repaired_length).
template <class Sink>
void emit_any(Sink& sink, const std::uint8_t* w, std::size_t length, bool maybe_malformed) {
  sink.any(w, length, maybe_malformed && word_is_malformed(w, length));
}

// Blocks where Unicode whitespace may start, unit by unit; out of line so the main loop keeps its
// registers.
template <class Sink>
[[gnu::noinline]] std::size_t scan_units(word_cursor& cursor, const std::uint8_t* p, std::size_t n, std::size_t i,
                                         std::size_t until, Sink& sink) {
  const auto any = [&](const std::uint8_t* w, std::size_t length, bool malformed) { emit_any(sink, w, length, malformed); };
  i = cursor.scan(p, n, i, until, any);
  if (until == n) cursor.finish(p, n, any);
  return i;
}

template <class Isa, class Sink>
void scan_words(const std::uint8_t* p, std::size_t n, Sink& sink) {
  word_cursor cursor;
  auto probe = sink.probe();
  deferred_word deferred[32];  // a 64-byte block ends at most 32 words
  // One block split at its ASCII whitespace. With non-ASCII bytes (`high`, a mask of them, known to
  // hold no Unicode whitespace) a word holding any that the table does not take is checked for
  // malformed UTF-8.
  const auto split = [&](std::size_t i, std::uint64_t space, std::uint64_t high, auto with_high) {
    // Word starts are word bytes after a space, word ends are spaces after a word byte (the byte before
    // the block counts as a space unless a word is open). Starts and ends alternate, so after an open
    // word's end each end pairs with the next start.
    const std::uint64_t before = (space << 1) | std::uint64_t{!cursor.in_word};
    std::uint64_t starts = ~space & before;
    std::uint64_t ends = space & ~before;
    if (cursor.in_word) {
      if (ends == 0) {
        cursor.malformed = cursor.malformed || high != 0;
        return;
      }
      const auto e = static_cast<unsigned>(__builtin_ctzll(ends));
      ends &= ends - 1;
      cursor.in_word = false;
      const bool maybe = cursor.malformed || (with_high && (high & ((std::uint64_t{1} << e) - 1)) != 0);
      const std::size_t length = i + e - cursor.start;
      // Up to 16 bytes long, it started at most 16 bytes before this block: 8 bytes from it are readable.
      // The probe goes first even for a word that may be malformed: the table holds only well-formed
      // words, so a word it takes needs no check.
      if (length > 16 || !probe.take(p + cursor.start, length)) {
        emit_any(sink, p + cursor.start, length, maybe);
        probe = sink.probe();
      }
    }
    const std::uint8_t* block = p + i;
    unsigned count = 0;
    while (ends != 0) {
      const auto s = static_cast<unsigned>(__builtin_ctzll(starts));
      const auto length = static_cast<unsigned>(__builtin_ctzll(ends)) - s;
      starts &= starts - 1;
      ends &= ends - 1;
      if (length <= 16 && probe.take(block + s, length)) continue;  // well-formed: see above
      if (with_high && ((high >> s) & ((std::uint64_t{1} << length) - 1)) != 0 && word_is_malformed(block + s, length)) {
        if (count != 0) sink.words(block, deferred, count);  // keep stream order
        count = 0;
        sink.any(block + s, length, true);
        probe = sink.probe();
        continue;
      }
      deferred[count++] = {static_cast<std::uint8_t>(s), static_cast<std::uint8_t>(length)};
    }
    if (count != 0) {
      sink.words(block, deferred, count);
      probe = sink.probe();
    }
    if (starts != 0) {
      const auto s = static_cast<unsigned>(__builtin_ctzll(starts));
      cursor.in_word = true;
      cursor.start = i + s;
      cursor.malformed = with_high && (high >> s) != 0;
    }
  };

  // Blocks followed by at least 8 readable bytes: a word starting in them can be loaded 8 bytes at a
  // time, and Unicode whitespace starting in them can be recognized (it reads 2 bytes past the block).
  std::size_t i = 0;
  while (i + 64 + 8 <= n) {
    const simd::block_masks m = Isa::classify(p + i);
    if (m.high == 0) {
      split(i, m.space, 0, std::false_type{});
    } else if (Isa::unicode_space_starts(p + i) == 0) {
      split(i, m.space, m.high, std::true_type{});
    } else {
      i = scan_units(cursor, p, n, i, i + 64, sink);
      probe = sink.probe();
      continue;
    }
    i += 64;
  }
  // The last bytes (under 72) take the sequential path; a word running to the end ends at n.
  scan_units(cursor, p, n, i, n, sink);
}

// Calls fn(begin, length, malformed) for each word, with the implementation `impl` (tests, benchmarks).
template <class Fn>
void scan_words(const simd::implementation& impl, const std::uint8_t* p, std::size_t n, Fn&& fn) {
  struct {
    Fn& fn;
    struct refuse_all {
      bool take(const std::uint8_t*, std::size_t) const { return false; }
    };
    refuse_all probe() const { return {}; }
    void words(const std::uint8_t* block, const deferred_word* w, unsigned count) {
      for (unsigned k = 0; k < count; ++k) fn(block + w[k].start, w[k].length, false);
    }
    void any(const std::uint8_t* w, std::size_t length, bool malformed) { fn(w, length, malformed); }
  } sink{fn};
  simd::with_isa(impl.kind, [&](auto isa) {
    simd::compiled_for(isa, [&](auto in) { scan_words<decltype(in)>(p, n, sink); });
  });
}

}  // namespace wcs
