#include "ingest/core/line_scanner.hpp"

#include <cstring>

namespace wcs {
namespace {

// Runs of this many 64-byte blocks without '\r' and short of the limit are only counted: a vector
// count is about three times faster than building masks, and most text has neither.
constexpr std::size_t run_blocks = 32;
constexpr std::size_t run_bytes = 64 * run_blocks;
static_assert(run_blocks <= simd::max_count_blocks);

// The scan kernel for one instruction set. after_cr: the byte before p was a '\r'; updated to whether
// p[n - 1] (or the byte at the limit's line end) is.
template <class Isa>
line_scan_result scan_line_ends(const std::uint8_t* p, std::size_t n, std::uint64_t limit, bool& after_cr) {
  line_scan_result r{0, 0, n};
  // Where the last line end seen is: last_end is computed once, at the end, from the last block that
  // had one and its mask, or (last_run != none) by searching back through the last counted run.
  constexpr std::size_t none = ~std::size_t{0};
  std::size_t last_block = 0;
  std::uint64_t last_ends = 0;
  std::size_t last_run = none;
  // Every line end of the 64-byte blocks [i, to); true when the limit was reached (r is then final).
  const auto exact = [&](std::size_t i, std::size_t to) {
    alignas(64) std::uint8_t tail[64];
    for (; i < to; i += 64) {
      const std::size_t avail = n - i;
      const std::uint8_t* block = p + i;
      if (avail < 64) {
        std::memcpy(tail, block, avail);
        std::memset(tail + avail, 0, 64 - avail);
        block = tail;
      }
      const simd::line_masks m = Isa::line_ends(block);
      const std::uint64_t ends = m.lf | m.cr;
      if (ends == 0) {
        after_cr = false;
        continue;
      }
      // A '\n' right after a '\r' (in this block or at the end of the previous one) ends no new line.
      // Without '\r' on either side (the common case), every end is a new line.
      std::uint64_t new_lines = ends;
      if ((m.cr | std::uint64_t{after_cr}) != 0) new_lines &= ~(m.lf & ((m.cr << 1) | std::uint64_t{after_cr}));
      const auto count = static_cast<std::uint64_t>(__builtin_popcountll(new_lines));
      if (r.lines + count >= limit) {
        for (std::uint64_t k = r.lines + 1; k < limit; ++k) new_lines &= new_lines - 1;
        const std::size_t at = i + static_cast<std::size_t>(__builtin_ctzll(new_lines)) + 1;
        r.lines = limit;
        r.last_end = at;
        r.stopped_at = at;
        after_cr = p[at - 1] == '\r';
        return true;
      }
      r.lines += count;
      last_block = i;
      last_ends = ends;
      last_run = none;
      after_cr = m.cr != 0 && (avail >= 64 ? (m.cr >> 63) != 0 : p[n - 1] == '\r');
    }
    return false;
  };
  std::size_t i = 0;
  for (; i + run_bytes <= n; i += run_bytes) {
    if (!after_cr) {
      const simd::line_feed_count c = Isa::count_line_feeds(p + i, run_blocks);
      if (!c.any_cr && r.lines + c.lf < limit) {
        r.lines += c.lf;  // after_cr stays false: the run has no '\r'
        if (c.lf != 0) last_run = i;
        continue;
      }
    }
    if (exact(i, i + run_bytes)) return r;
  }
  if (exact(i, n)) return r;
  if (last_run != none) {
    for (std::size_t b = last_run + run_bytes - 64;; b -= 64) {
      const std::uint64_t lf = Isa::line_ends(p + b).lf;
      if (lf != 0) {
        r.last_end = b + 64 - static_cast<std::size_t>(__builtin_clzll(lf));
        break;
      }
    }
  } else if (last_ends != 0) {
    r.last_end = last_block + 64 - static_cast<std::size_t>(__builtin_clzll(last_ends));
  }
  return r;
}

// The scan, entered compiled for one instruction set.
template <class Isa>
line_scan_result scan_in(const std::uint8_t* p, std::size_t n, std::uint64_t limit, bool& after_cr) {
  return simd::compiled_for(Isa{}, [&](Isa) { return scan_line_ends<Isa>(p, n, limit, after_cr); });
}

}  // namespace

line_scanner::line_scanner(const simd::implementation& simd)
    : scan_(simd::with_isa(simd.kind, [](auto isa) -> scan_fn { return &scan_in<decltype(isa)>; })) {}

}  // namespace wcs
