#pragma once
// The CUDA backend: tokenization and reduceByKey in kernels/cuda, count tables in device memory
// (counter_backend over the device types). No CUDA headers here.
#include <memory>
#include <string>

#include "host/backend/counter_backend.hpp"

namespace wcs {

struct cuda_probe {
  int devices;         // usable CUDA devices (compute capability >= 8.0)
  std::string reason;  // why there is none
};

// Never throws: any error from the CUDA runtime (no driver, no device) means "no device".
cuda_probe probe_cuda();

// Throws std::runtime_error naming the failing CUDA call when the device cannot be set up.
std::unique_ptr<backend> make_cuda_backend();

}  // namespace wcs
