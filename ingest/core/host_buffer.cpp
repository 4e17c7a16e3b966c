#include "ingest/core/host_buffer.hpp"

#include <spdlog/spdlog.h>

#include "kernels/cpu/huge_pages.hpp"

#if WCS_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace wcs {
namespace {

#if WCS_HAVE_CUDA
std::uint8_t* try_pinned(std::size_t capacity) {
  void* p = nullptr;
  if (cudaHostAlloc(&p, capacity, cudaHostAllocDefault) == cudaSuccess) return static_cast<std::uint8_t*>(p);
  static bool logged = false;
  if (!logged) {
    logged = true;
    spdlog::debug("pinned host memory unavailable ({}), using pageable buffers", cudaGetErrorString(cudaGetLastError()));
  }
  return nullptr;
}
#else
std::uint8_t* try_pinned(std::size_t) { return nullptr; }
#endif

}  // namespace

host_buffer::host_buffer(std::size_t capacity) {
  std::uint8_t* p = try_pinned(capacity);
  const bool pinned = p != nullptr;
  if (!pinned) p = static_cast<std::uint8_t*>(allocate_large(capacity));
  data_ = std::unique_ptr<std::uint8_t, deleter>(p, deleter{pinned, capacity});
}

void host_buffer::deleter::operator()(std::uint8_t* p) const {
#if WCS_HAVE_CUDA
  if (pinned) {
    cudaFreeHost(p);
    return;
  }
#endif
  free_large(p, bytes);
}

}  // namespace wcs
