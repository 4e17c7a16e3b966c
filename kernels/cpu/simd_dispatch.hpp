#pragma once
// Run-time choice of the CPU kernels' instruction set (simdjson's model): the first supported entry of
// {avx2, sse2, scalar} wins, and the environment variable WCS_SIMD=avx2|sse2|scalar forces one (an
// unsupported or unknown choice is an error). Kernels switch on `kind` to their instantiation for it.
#include <span>
#include <string_view>

#include "kernels/cpu/simd_isa.hpp"

namespace wcs::simd {

struct implementation {
  std::string_view name;
  isa kind;
};

// The implementation in use; chosen once, on first call. Throws std::runtime_error when WCS_SIMD names
// an instruction set that is unknown or not supported by this CPU.
const implementation& active();

// Every implementation this CPU supports, best first (tests run each of them).
std::span<const implementation> supported();

}  // namespace wcs::simd
