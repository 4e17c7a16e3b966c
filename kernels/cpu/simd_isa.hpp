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

struct isa_scalar {
  static constexpr isa kind = isa::scalar;
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
