#include "kernels/cpu/simd_dispatch.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace wcs::simd {
namespace {

template <class Isa>
implementation entry(std::string_view name) {
  return {name, Isa::kind};
}

std::vector<implementation> detect() {
  std::vector<implementation> out;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("popcnt")) {
    out.push_back(entry<isa_avx2>("avx2"));
  }
  if (__builtin_cpu_supports("sse2")) out.push_back(entry<isa_sse2>("sse2"));
  out.push_back(entry<isa_scalar>("scalar"));
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
