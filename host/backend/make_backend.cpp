#include <spdlog/spdlog.h>

#include <stdexcept>

#include "host/backend/backend.hpp"
#include "host/backend/cpu_backend.hpp"

#if WCS_HAVE_CUDA
#include "host/backend/cuda_backend.hpp"
#endif

namespace wcs {

std::unique_ptr<backend> make_backend(backend_kind kind) {
  if (kind == backend_kind::cpu) return std::make_unique<cpu_backend>();
#if WCS_HAVE_CUDA
  const cuda_probe probe = probe_cuda();
  if (probe.devices > 0) return make_cuda_backend();
  if (kind == backend_kind::cuda) throw std::runtime_error("--backend cuda: no CUDA device (" + probe.reason + ")");
  spdlog::info("no CUDA device ({}): using the CPU backend", probe.reason);
#else
  if (kind == backend_kind::cuda) throw std::runtime_error("--backend cuda: this build has no CUDA backend (built without nvcc)");
#endif
  return std::make_unique<cpu_backend>();
}

}  // namespace wcs
