#include "kernels/cpu/simd_classify.hpp"

#include <immintrin.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/tokenize/python_space.hpp"

namespace wcs::simd {
namespace {

block_masks classify_scalar(const std::uint8_t* p) {
  block_masks m{0, 0};
  for (int i = 0; i < 64; ++i) {
    m.space |= std::uint64_t{is_ascii_space(p[i])} << i;
    m.high |= std::uint64_t{p[i] >= 0x80} << i;
  }
  return m;
}

line_masks lines_scalar(const std::uint8_t* p) {
  line_masks m{0, 0};
  for (int i = 0; i < 64; ++i) {
    m.lf |= std::uint64_t{p[i] == '\n'} << i;
    m.cr |= std::uint64_t{p[i] == '\r'} << i;
  }
  return m;
}

__attribute__((target("sse2"))) line_masks lines_sse2(const std::uint8_t* p) {
  line_masks m{0, 0};
  for (int k = 0; k < 4; ++k) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m.lf |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8('\n'))))) << (16 * k);
    m.cr |= std::uint64_t(static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8('\r'))))) << (16 * k);
  }
  return m;
}

__attribute__((target("avx2"))) line_masks lines_avx2(const std::uint8_t* p) {
  line_masks m{0, 0};
  for (int k = 0; k < 2; ++k) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
    m.lf |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\n'))))) << (32 * k);
    m.cr |= std::uint64_t(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\r'))))) << (32 * k);
  }
  return m;
}

// ASCII whitespace is two ranges, 09..0D and 1C..20: (b - lo) <= width as unsigned bytes, tested
// with min_epu8(x, width) == x because SSE/AVX2 have no unsigned byte compare.
__attribute__((target("sse2"))) block_masks classify_sse2(const std::uint8_t* p) {
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

__attribute__((target("avx2"))) block_masks classify_avx2(const std::uint8_t* p) {
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

std::vector<implementation> detect() {
  std::vector<implementation> out;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) out.push_back({"avx2", classify_avx2, lines_avx2});
  if (__builtin_cpu_supports("sse2")) out.push_back({"sse2", classify_sse2, lines_sse2});
  out.push_back({"scalar", classify_scalar, lines_scalar});
  return out;
}

const std::vector<implementation>& supported_list() {
  static const std::vector<implementation> list = detect();
  return list;
}

const implementation& choose() {
  const auto& list = supported_list();
  const char* forced = std::getenv("WCS_SIMD");
  if (forced == nullptr || *forced == '\0') return list.front();
  for (const auto& impl : list) {
    if (impl.name == forced) return impl;
  }
  throw std::runtime_error(std::string("WCS_SIMD=") + forced + " is not an instruction set this CPU supports (avx2, sse2, scalar)");
}

}  // namespace

const implementation& active() {
  static const implementation& chosen = choose();
  return chosen;
}

std::span<const implementation> supported() { return supported_list(); }

}  // namespace wcs::simd
