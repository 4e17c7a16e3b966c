#pragma once
// The instruction sets of the CPU kernels, one struct each, with the 64-byte block classifiers every
// kernel is built from (whitespace and high bytes, line ends, where Unicode whitespace may start). A
// kernel is a template over one of these structs, entered through compiled_for (below): a function
// compiled for that instruction set (WCS_TARGET_*, with gnu::flatten so the classifiers inline into
// the kernel's loop). simd_dispatch.hpp picks the instruction set at run time.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/tokenize/python_space.hpp"
#include "kernels/tokenize/utf8_jdk.hpp"

// Target attributes of the kernels built on each struct. The AVX2 kernels also use BMI1/BMI2 (tzcnt,
// blsr, bzhi, shlx) and POPCNT: every CPU with AVX2 that we dispatch to has them (detect() checks).
#define WCS_TARGET_AVX2 gnu::target("avx2,bmi,bmi2,popcnt")
#define WCS_TARGET_SSE2 gnu::target("sse2")

namespace wcs::simd {

// For 64 bytes at p: bit i of `space` is set when p[i] is an ASCII whitespace byte (Python's
// str.split() set restricted to ASCII), bit i of `high` when p[i] >= 0x80.
struct block_masks {
  std::uint64_t space;
  std::uint64_t high;
};

// For 64 bytes at p: bit i of `lf` is set when p[i] == '\n', of `cr` when p[i] == '\r'.
struct line_masks {
  std::uint64_t lf;
  std::uint64_t cr;
};

// For a run of 64-byte blocks: how many bytes are '\n', and whether any is '\r'.
struct line_feed_count {
  std::uint64_t lf;
  bool any_cr;
};
// The most blocks one count_line_feeds call takes: a byte lane of the 16-byte form counts up to 4 per
// block and must stay below 256.
inline constexpr std::size_t max_count_blocks = 63;

enum class isa { avx2, sse2, scalar };

// The UTF-8 of the Python whitespace above U+007F: U+0085, U+00A0 (C2 85, C2 A0), U+1680 (E1 9A 80),
// U+2000..U+200A, U+2028, U+2029, U+202F (E2 80 80..8A, A8, A9, AF), U+205F (E2 81 9F), U+3000
// (E3 80 80). Every classifier's unicode_space_starts(p) sets bit i when one of them starts at p[i]
// (it reads p[0, 66)): a block without any splits at its ASCII whitespace alone, because a lead byte
// is never a continuation, so no malformed sequence can swallow or fake one.
inline bool unicode_space_at(const std::uint8_t* p) {
  if (p[0] < 0xC2) return false;  // ASCII, a continuation, or a lead byte of no space
  const utf8_unit u = decode_unit(p, 3);
  return !u.malformed && is_python_space(u.code_point);
}

struct isa_scalar {
  static constexpr isa kind = isa::scalar;
  static std::uint64_t unicode_space_starts(const std::uint8_t* p) {
    std::uint64_t m = 0;
    for (int i = 0; i < 64; ++i) m |= std::uint64_t{unicode_space_at(p + i)} << i;
    return m;
  }
  static block_masks classify(const std::uint8_t* p) {
    block_masks m{0, 0};
    for (int i = 0; i < 64; ++i) {
      m.space |= std::uint64_t{is_ascii_space(p[i])} << i;
      m.high |= std::uint64_t{p[i] >= 0x80} << i;
    }
    return m;
  }
  static line_masks line_ends(const std::uint8_t* p) {
    line_masks m{0, 0};
    for (int i = 0; i < 64; ++i) {
      m.lf |= std::uint64_t{p[i] == '\n'} << i;
      m.cr |= std::uint64_t{p[i] == '\r'} << i;
    }
    return m;
  }
  static line_feed_count count_line_feeds(const std::uint8_t* p, std::size_t blocks) {
    line_feed_count c{0, false};
    for (std::size_t i = 0; i < 64 * blocks; ++i) {
      c.lf += p[i] == '\n';
      c.any_cr |= p[i] == '\r';
    }
    return c;
  }
};

// The vector instructions the SSE2 and AVX2 classifiers need, 16 or 32 bytes at a time. They are
// not always_inline: the classifiers below inline them through gnu::flatten, inside a function
// compiled for their instruction set (an always_inline target function cannot enter generic code).
struct vec_sse2 {
  using reg = __m128i;
  static constexpr int width = 16;
  [[WCS_TARGET_SSE2]] static reg load(const std::uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  [[WCS_TARGET_SSE2]] static reg set(int c) { return _mm_set1_epi8(static_cast<char>(c)); }
  [[WCS_TARGET_SSE2]] static reg eq(reg a, reg b) { return _mm_cmpeq_epi8(a, b); }
  [[WCS_TARGET_SSE2]] static reg min(reg a, reg b) { return _mm_min_epu8(a, b); }
  [[WCS_TARGET_SSE2]] static reg sub(reg a, reg b) { return _mm_sub_epi8(a, b); }
  [[WCS_TARGET_SSE2]] static reg bit_or(reg a, reg b) { return _mm_or_si128(a, b); }
  [[WCS_TARGET_SSE2]] static reg bit_and(reg a, reg b) { return _mm_and_si128(a, b); }
  [[WCS_TARGET_SSE2]] static std::uint64_t bits(reg a) { return static_cast<std::uint16_t>(_mm_movemask_epi8(a)); }
  [[WCS_TARGET_SSE2]] static std::uint64_t sum_bytes(reg a) {
    const reg s = _mm_sad_epu8(a, _mm_setzero_si128());
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s)));
  }
};

struct vec_avx2 {
  using reg = __m256i;
  static constexpr int width = 32;
  [[WCS_TARGET_AVX2]] static reg load(const std::uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  [[WCS_TARGET_AVX2]] static reg set(int c) { return _mm256_set1_epi8(static_cast<char>(c)); }
  [[WCS_TARGET_AVX2]] static reg eq(reg a, reg b) { return _mm256_cmpeq_epi8(a, b); }
  [[WCS_TARGET_AVX2]] static reg min(reg a, reg b) { return _mm256_min_epu8(a, b); }
  [[WCS_TARGET_AVX2]] static reg sub(reg a, reg b) { return _mm256_sub_epi8(a, b); }
  [[WCS_TARGET_AVX2]] static reg bit_or(reg a, reg b) { return _mm256_or_si256(a, b); }
  [[WCS_TARGET_AVX2]] static reg bit_and(reg a, reg b) { return _mm256_and_si256(a, b); }
  [[WCS_TARGET_AVX2]] static std::uint64_t bits(reg a) { return static_cast<std::uint32_t>(_mm256_movemask_epi8(a)); }
  [[WCS_TARGET_AVX2]] static std::uint64_t sum_bytes(reg a) {
    const __m256i s = _mm256_sad_epu8(a, _mm256_setzero_si256());
    const __m128i t = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(t) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(t, t)));
  }
};

// The three classifiers over one vector width. Unsigned byte ranges (b - lo) <= span are tested as
// min(b - lo, span) == b - lo: SSE2 and AVX2 have no unsigned byte compare. Its helpers pass vectors
// by value without a target of their own: they only ever run inlined into the isa_* functions below
// (hence -Wno-psabi in kernels/cpu/CMakeLists.txt).
template <class V>
struct vector_classifiers {
  using reg = typename V::reg;
  static reg in_range(reg b, int lo, int span) {
    const reg d = V::sub(b, V::set(lo));
    return V::eq(V::min(d, V::set(span)), d);
  }
  static reg is(reg b, int c) { return V::eq(b, V::set(c)); }

  // ASCII whitespace is two ranges, 09..0D and 1C..20.
  static block_masks classify(const std::uint8_t* p) {
    block_masks m{0, 0};
    for (int k = 0; k < 64 / V::width; ++k) {
      const reg b = V::load(p + V::width * k);
      m.space |= V::bits(V::bit_or(in_range(b, 0x09, 4), in_range(b, 0x1C, 4))) << (V::width * k);
      m.high |= V::bits(b) << (V::width * k);
    }
    return m;
  }
  static line_masks line_ends(const std::uint8_t* p) {
    line_masks m{0, 0};
    for (int k = 0; k < 64 / V::width; ++k) {
      const reg b = V::load(p + V::width * k);
      m.lf |= V::bits(is(b, '\n')) << (V::width * k);
      m.cr |= V::bits(is(b, '\r')) << (V::width * k);
    }
    return m;
  }
  // A compare yields 0xFF (-1) per match: subtracting it counts, one byte lane per position.
  static line_feed_count count_line_feeds(const std::uint8_t* p, std::size_t blocks) {
    reg lf = V::set(0), cr = V::set(0);
    for (std::size_t i = 0; i < 64 * blocks; i += V::width) {
      const reg b = V::load(p + i);
      lf = V::sub(lf, is(b, '\n'));
      cr = V::bit_or(cr, is(b, '\r'));
    }
    return {V::sum_bytes(lf), V::bits(cr) != 0};
  }
  // unicode_space_at for 64 positions at once (byte i, i + 1, i + 2 as three shifted loads).
  static std::uint64_t unicode_space_starts(const std::uint8_t* p) {
    std::uint64_t m = 0;
    for (int k = 0; k < 64 / V::width; ++k) {
      const reg b0 = V::load(p + V::width * k), b1 = V::load(p + V::width * k + 1), b2 = V::load(p + V::width * k + 2);
      const reg e2_80_third = V::bit_or(in_range(b2, 0x80, 0x0A), V::bit_or(V::bit_or(is(b2, 0xA8), is(b2, 0xA9)), is(b2, 0xAF)));
      reg hit = V::bit_and(is(b0, 0xC2), V::bit_or(is(b1, 0x85), is(b1, 0xA0)));
      hit = V::bit_or(hit, V::bit_and(V::bit_and(is(b0, 0xE1), is(b1, 0x9A)), is(b2, 0x80)));
      hit = V::bit_or(hit, V::bit_and(V::bit_and(is(b0, 0xE2), is(b1, 0x80)), e2_80_third));
      hit = V::bit_or(hit, V::bit_and(V::bit_and(is(b0, 0xE2), is(b1, 0x81)), is(b2, 0x9F)));
      hit = V::bit_or(hit, V::bit_and(V::bit_and(is(b0, 0xE3), is(b1, 0x80)), is(b2, 0x80)));
      m |= V::bits(hit) << (V::width * k);
    }
    return m;
  }
};

struct isa_sse2 {
  static constexpr isa kind = isa::sse2;
  using impl = vector_classifiers<vec_sse2>;
  [[WCS_TARGET_SSE2, gnu::flatten]] static block_masks classify(const std::uint8_t* p) { return impl::classify(p); }
  [[WCS_TARGET_SSE2, gnu::flatten]] static line_masks line_ends(const std::uint8_t* p) { return impl::line_ends(p); }
  [[WCS_TARGET_SSE2, gnu::flatten]] static line_feed_count count_line_feeds(const std::uint8_t* p, std::size_t blocks) {
    return impl::count_line_feeds(p, blocks);
  }
  [[WCS_TARGET_SSE2, gnu::flatten]] static std::uint64_t unicode_space_starts(const std::uint8_t* p) {
    return impl::unicode_space_starts(p);
  }
};

struct isa_avx2 {
  static constexpr isa kind = isa::avx2;
  using impl = vector_classifiers<vec_avx2>;
  [[WCS_TARGET_AVX2, gnu::flatten]] static block_masks classify(const std::uint8_t* p) { return impl::classify(p); }
  [[WCS_TARGET_AVX2, gnu::flatten]] static line_masks line_ends(const std::uint8_t* p) { return impl::line_ends(p); }
  [[WCS_TARGET_AVX2, gnu::flatten]] static line_feed_count count_line_feeds(const std::uint8_t* p, std::size_t blocks) {
    return impl::count_line_feeds(p, blocks);
  }
  [[WCS_TARGET_AVX2, gnu::flatten]] static std::uint64_t unicode_space_starts(const std::uint8_t* p) {
    return impl::unicode_space_starts(p);
  }
};

// Calls fn(i) with i = isa_X{} inside a function compiled for that instruction set, with everything it
// calls inlined (gnu::flatten): how a kernel written as a template over the instruction set is entered.
template <class Fn>
[[WCS_TARGET_AVX2, gnu::flatten]] decltype(auto) compiled_for(isa_avx2 i, Fn&& fn) {
  return fn(i);
}
template <class Fn>
[[WCS_TARGET_SSE2, gnu::flatten]] decltype(auto) compiled_for(isa_sse2 i, Fn&& fn) {
  return fn(i);
}
template <class Fn>
[[gnu::flatten]] decltype(auto) compiled_for(isa_scalar i, Fn&& fn) {
  return fn(i);
}

// Calls fn(isa_X{}) for the instruction set `kind` names (kernels instantiated per instruction set).
template <class Fn>
decltype(auto) with_isa(isa kind, Fn&& fn) {
  switch (kind) {
    case isa::avx2: return fn(isa_avx2{});
    case isa::sse2: return fn(isa_sse2{});
    case isa::scalar: break;
  }
  return fn(isa_scalar{});
}

}  // namespace wcs::simd
