#pragma once
// The few atomics the GPU kernels need, as WCS_HD functions: CUDA atomics in device code, and
// std::atomic_ref in host code, so the same per-thread bodies run concurrently on CPU threads under
// test. All return the value held before the operation (like atomicAdd/atomicCAS).
#include <cstdint>

#include "kernels/common/hd.hpp"

#if !defined(__CUDA_ARCH__)
#include <atomic>
#endif

namespace wcs {

WCS_HD std::uint32_t atomic_add(std::uint32_t* p, std::uint32_t v) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(reinterpret_cast<unsigned int*>(p), v);
#else
  return std::atomic_ref<std::uint32_t>(*p).fetch_add(v);
#endif
}

WCS_HD std::uint64_t atomic_add(std::uint64_t* p, std::uint64_t v) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(v));
#else
  return std::atomic_ref<std::uint64_t>(*p).fetch_add(v);
#endif
}

// Returns the previous value: the swap happened iff it equals `expected`.
WCS_HD std::uint64_t atomic_cas(std::uint64_t* p, std::uint64_t expected, std::uint64_t desired) {
#if defined(__CUDA_ARCH__)
  return atomicCAS(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(expected),
                   static_cast<unsigned long long>(desired));
#else
  std::atomic_ref<std::uint64_t>(*p).compare_exchange_strong(expected, desired);
  return expected;
#endif
}

// A load that observes other threads' atomic_cas (a volatile load on the device: no stale register).
WCS_HD std::uint64_t atomic_load(std::uint64_t* p) {
#if defined(__CUDA_ARCH__)
  return *reinterpret_cast<volatile unsigned long long*>(p);
#else
  return std::atomic_ref<std::uint64_t>(*p).load();
#endif
}

WCS_HD std::uint32_t atomic_max(std::uint32_t* p, std::uint32_t v) {
#if defined(__CUDA_ARCH__)
  return atomicMax(reinterpret_cast<unsigned int*>(p), v);
#else
  std::atomic_ref<std::uint32_t> a(*p);
  std::uint32_t old = a.load();
  while (old < v && !a.compare_exchange_weak(old, v)) {
  }
  return old;
#endif
}

// Sets bits (idempotent flags written by several threads).
WCS_HD void atomic_or(std::uint32_t* p, std::uint32_t v) {
#if defined(__CUDA_ARCH__)
  atomicOr(reinterpret_cast<unsigned int*>(p), v);
#else
  std::atomic_ref<std::uint32_t>(*p).fetch_or(v);
#endif
}

}  // namespace wcs
