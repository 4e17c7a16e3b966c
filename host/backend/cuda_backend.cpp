#include "host/backend/cuda_backend.hpp"

#include <spdlog/spdlog.h>

#include "kernels/cuda/device.hpp"

namespace wcs {

cuda_probe probe_cuda() {
  const cuda::device_info info = cuda::probe();
  return {info.devices, info.reason};
}

std::unique_ptr<backend> make_cuda_backend() {
  const cuda::device_info info = cuda::probe();
  spdlog::info("CUDA backend on {}", info.name);
  return std::make_unique<counter_backend<cuda::device_word_counter, cuda::device_dense_counts>>("cuda");
}

}  // namespace wcs
