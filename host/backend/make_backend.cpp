#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

#include "host/backend/backend.hpp"
#include "host/backend/cpu_backend.hpp"

#if WCS_HAVE_CUDA
#include "host/backend/cuda_backend.hpp"
#endif

namespace wcs {

std::unique_ptr<backend> choose_backend(backend_kind kind, const cuda_option& cuda) {
  if (kind == backend_kind::cpu) return std::make_unique<cpu_backend>();
  if (cuda.devices == 0) {
    if (kind == backend_kind::cuda) throw std::runtime_error("--backend cuda: " + cuda.reason);
    spdlog::info("{}: using the CPU backend", cuda.reason);
    return std::make_unique<cpu_backend>();
  }
  try {
    return cuda.make();
  } catch (const std::exception& e) {
    if (kind == backend_kind::cuda) throw std::runtime_error(std::string("--backend cuda: ") + e.what());
    spdlog::warn("the CUDA backend could not start ({}): using the CPU backend", e.what());
  }
  return std::make_unique<cpu_backend>();
}

std::unique_ptr<backend> make_backend(backend_kind kind) {
  cuda_option cuda;
#if WCS_HAVE_CUDA
  if (kind != backend_kind::cpu) {
    const cuda_probe probe = probe_cuda();
    cuda = {probe.devices, "no CUDA device (" + probe.reason + ")", make_cuda_backend};
  }
#else
  cuda.reason = "this build has no CUDA backend (built without nvcc)";
#endif
  return choose_backend(kind, cuda);
}

void check_chunk_bytes(const backend& b, std::size_t bytes) {
  if (bytes <= b.max_chunk_bytes()) return;
  throw std::invalid_argument("--buffer-mb " + std::to_string(bytes >> 20) + ": the " + std::string(b.name()) +
                              " backend takes chunks of at most " + std::to_string(b.max_chunk_bytes() >> 20) + " MiB");
}

}  // namespace wcs
