#pragma once
// The instruction sets of the CPU kernels, one struct each, with the two 64-byte block classifiers
// every kernel is built from. A kernel is a template over one of these structs, instantiated inside a
// function compiled for that instruction set (kernel_target_*, with gnu::flatten so the classifier
// inlines into its loop); simd_classify.hpp picks the instruction set at run time.
#include <immintrin.h>

#include <cstdint>

#include "kernels/tokenize/python_space.hpp"

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

enum class isa { avx2, sse2, scalar };

// The UTF-8 of the Python whitespace above U+007F: U+0085, U+00A0 (C2 85, C2 A0), U+1680 (E1 9A 80),
// U+2000..U+200A, U+2028, U+2029, U+202F (E2 80 80..8A, A8, A9, AF), U+205F (E2 81 9F), U+3000
// (E3 80 80). Every classifier's unicode_space_starts(p) sets bit i when one of them starts at p[i]
// (it reads p[0, 66)): a block without any splits at its ASCII whitespace alone, because a lead byte
// is never a continuation, so no malformed sequence can swallow or fake one.
inline bool unicode_space_at(const std::uint8_t* p) {
  switch (p[0]) {
    case 0xC2: return p[1] == 0x85 || p[1] == 0xA0;
    case 0xE1: return p[1] == 0x9A && p[2] == 0x80;
    case 0xE2:
      if (p[1] == 0x81) return p[2] == 0x9F;
      return p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF);
    case 0xE3: return p[1] == 0x80 && p[2] == 0x80;
    default: return false;
  }
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
};

// ASCII whitespace is two ranges, 09..0D and 1C..20: (b - lo) <= width as unsigned bytes, tested
// with min_epu8(x, width) == x because SSE/AVX2 have no unsigned byte compare.
struct isa_sse2 {
  static constexpr isa kind = isa::sse2;
  [[WCS_TARGET_SSE2]] static std::uint64_t unicode_space_starts(const std::uint8_t* p) {
    std::uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k + 1));
      const __m128i b2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k + 2));
#define WCS_EQ(v, c) _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c)))
      const __m128i low = _mm_sub_epi8(b2, _mm_set1_epi8(static_cast<char>(0x80)));  // 80..8A -> 0..10
      const __m128i third = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(low, _mm_set1_epi8(10)), low),
                                         _mm_or_si128(_mm_or_si128(WCS_EQ(b2, 0xA8), WCS_EQ(b2, 0xA9)), WCS_EQ(b2, 0xAF)));
      __m128i hit = _mm_and_si128(WCS_EQ(b0, 0xC2), _mm_or_si128(WCS_EQ(b1, 0x85), WCS_EQ(b1, 0xA0)));
      hit = _mm_or_si128(hit, _mm_and_si128(_mm_and_si128(WCS_EQ(b0, 0xE1), WCS_EQ(b1, 0x9A)), WCS_EQ(b2, 0x80)));
      hit = _mm_or_si128(hit, _mm_and_si128(_mm_and_si128(WCS_EQ(b0, 0xE2), WCS_EQ(b1, 0x80)), third));
      hit = _mm_or_si128(hit, _mm_and_si128(_mm_and_si128(WCS_EQ(b0, 0xE2), WCS_EQ(b1, 0x81)), WCS_EQ(b2, 0x9F)));
      hit = _mm_or_si128(hit, _mm_and_si128(_mm_and_si128(WCS_EQ(b0, 0xE3), WCS_EQ(b1, 0x80)), WCS_EQ(b2, 0x80)));
#undef WCS_EQ
      m |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    return m;
  }
  [[WCS_TARGET_SSE2]] static block_masks classify(const std::uint8_t* p) {
    block_masks m{0, 0};
    for (int k = 0; k < 4; ++k) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i a = _mm_sub_epi8(b, _mm_set1_epi8(0x09));
      const __m128i c = _mm_sub_epi8(b, _mm_set1_epi8(0x1C));
      const __m128i in_a = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(4)), a);
      const __m128i in_c = _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(4)), c);
      m.space |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_or_si128(in_a, in_c)))) << (16 * k);
      m.high |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(b))) << (16 * k);
    }
    return m;
  }
  [[WCS_TARGET_SSE2]] static line_masks line_ends(const std::uint8_t* p) {
    line_masks m{0, 0};
    for (int k = 0; k < 4; ++k) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      m.lf |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8('\n'))))) << (16 * k);
      m.cr |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8('\r'))))) << (16 * k);
    }
    return m;
  }
};

struct isa_avx2 {
  static constexpr isa kind = isa::avx2;
  [[WCS_TARGET_AVX2]] static std::uint64_t unicode_space_starts(const std::uint8_t* p) {
    std::uint64_t m = 0;
    for (int k = 0; k < 2; ++k) {
      const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
      const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k + 1));
      const __m256i b2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k + 2));
#define WCS_EQ(v, c) _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(c)))
      const __m256i low = _mm256_sub_epi8(b2, _mm256_set1_epi8(static_cast<char>(0x80)));  // 80..8A -> 0..10
      const __m256i third = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(low, _mm256_set1_epi8(10)), low),
                                            _mm256_or_si256(_mm256_or_si256(WCS_EQ(b2, 0xA8), WCS_EQ(b2, 0xA9)), WCS_EQ(b2, 0xAF)));
      __m256i hit = _mm256_and_si256(WCS_EQ(b0, 0xC2), _mm256_or_si256(WCS_EQ(b1, 0x85), WCS_EQ(b1, 0xA0)));
      hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_and_si256(WCS_EQ(b0, 0xE1), WCS_EQ(b1, 0x9A)), WCS_EQ(b2, 0x80)));
      hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_and_si256(WCS_EQ(b0, 0xE2), WCS_EQ(b1, 0x80)), third));
      hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_and_si256(WCS_EQ(b0, 0xE2), WCS_EQ(b1, 0x81)), WCS_EQ(b2, 0x9F)));
      hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_and_si256(WCS_EQ(b0, 0xE3), WCS_EQ(b1, 0x80)), WCS_EQ(b2, 0x80)));
#undef WCS_EQ
      m |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(hit))) << (32 * k);
    }
    return m;
  }
  [[WCS_TARGET_AVX2]] static block_masks classify(const std::uint8_t* p) {
    block_masks m{0, 0};
    for (int k = 0; k < 2; ++k) {
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
      const __m256i a = _mm256_sub_epi8(b, _mm256_set1_epi8(0x09));
      const __m256i c = _mm256_sub_epi8(b, _mm256_set1_epi8(0x1C));
      const __m256i in_a = _mm256_cmpeq_epi8(_mm256_min_epu8(a, _mm256_set1_epi8(4)), a);
      const __m256i in_c = _mm256_cmpeq_epi8(_mm256_min_epu8(c, _mm256_set1_epi8(4)), c);
      m.space |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(in_a, in_c)))) << (32 * k);
      m.high |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(b))) << (32 * k);
    }
    return m;
  }
  [[WCS_TARGET_AVX2]] static line_masks line_ends(const std::uint8_t* p) {
    line_masks m{0, 0};
    for (int k = 0; k < 2; ++k) {
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
      m.lf |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\n'))))) << (32 * k);
      m.cr |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\r'))))) << (32 * k);
    }
    return m;
  }
};

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
