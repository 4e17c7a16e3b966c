#pragma once
// What device_entries holds (shared by the word counter's and the count tables' translation units).
#include "kernels/cuda/batch_entries.hpp"
#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/cuda/device.hpp"

namespace wcs::cuda {

struct device_entries::impl {
  batch_entries<cuda_exec> entries;
};

}  // namespace wcs::cuda
