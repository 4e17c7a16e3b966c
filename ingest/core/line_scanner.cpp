#include "ingest/core/line_scanner.hpp"

namespace wcs {
namespace {

[[WCS_TARGET_AVX2, gnu::flatten]] line_scan_result scan_avx2(const std::uint8_t* p, std::size_t n, std::uint64_t limit, bool& after_cr) {
  return scan_line_ends<simd::isa_avx2>(p, n, limit, after_cr);
}
[[WCS_TARGET_SSE2, gnu::flatten]] line_scan_result scan_sse2(const std::uint8_t* p, std::size_t n, std::uint64_t limit, bool& after_cr) {
  return scan_line_ends<simd::isa_sse2>(p, n, limit, after_cr);
}
[[gnu::flatten]] line_scan_result scan_scalar(const std::uint8_t* p, std::size_t n, std::uint64_t limit, bool& after_cr) {
  return scan_line_ends<simd::isa_scalar>(p, n, limit, after_cr);
}

}  // namespace

line_scanner::line_scanner(const simd::implementation& simd) {
  switch (simd.kind) {
    case simd::isa::avx2: scan_ = scan_avx2; return;
    case simd::isa::sse2: scan_ = scan_sse2; return;
    case simd::isa::scalar: break;
  }
  scan_ = scan_scalar;
}

}  // namespace wcs
