#pragma once
// The CUDA executor of word_counter / dense_counts (interface: kernels/common/host_exec.hpp).
//
// Streams: `compute` runs every kernel, scan, memset and small copy in order; `copy` carries only
// the chunk uploads, so a chunk's H2D copy overlaps the previous chunk's kernels. Two input buffers
// (slots) alternate: upload_input(slot) first waits (on the copy stream) for the event recorded by
// release_input(slot) after the kernels of the chunk two back, and records `copied[slot]`, which
// consume_input makes the compute stream wait for. upload/download/read wait for the compute stream;
// everything else is asynchronous.
//
// Kernels: for_each_kernel is a grid-stride loop, one thread per index, 256 threads per block and at
// most 32 blocks per SM (enough to fill it; the loop covers the rest).
#include <cuda_runtime.h>

#include <cub/device/device_scan.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "kernels/cuda/device.hpp"

namespace wcs::cuda {

// Throws std::runtime_error("CUDA error in <call>: <message> (<name>)") unless e == cudaSuccess.
void check(cudaError_t e, const char* call);
#define WCS_CUDA_CHECK(call) ::wcs::cuda::check((call), #call)

template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  explicit device_buffer(std::size_t n) : n_(n) {
    if (n != 0) WCS_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&p_), n * sizeof(T)));
  }
  device_buffer(device_buffer&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  device_buffer& operator=(device_buffer&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~device_buffer() {
    if (p_ != nullptr) cudaFree(p_);  // synchronizes the device: no kernel still uses it
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  std::size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

template <class Body>
__global__ void for_each_kernel(std::size_t n, Body body) {
  const std::size_t stride = std::size_t{gridDim.x} * blockDim.x;
  for (std::size_t i = std::size_t{blockIdx.x} * blockDim.x + threadIdx.x; i < n; i += stride) body(i);
}

class cuda_exec {
 public:
  template <class T>
  using buffer = device_buffer<T>;

  // profile: time every transfer and kernel with event pairs (take_timing).
  explicit cuda_exec(bool profile = false);
  ~cuda_exec();
  cuda_exec(const cuda_exec&) = delete;
  cuda_exec& operator=(const cuda_exec&) = delete;

  template <class T>
  buffer<T> allocate(std::size_t n) const {
    return buffer<T>(n);
  }

  template <class Body>
  void for_each(std::size_t n, const Body& body) {
    if (n == 0) return;
    constexpr std::size_t threads = 256;
    const auto blocks = static_cast<unsigned>(std::min<std::size_t>((n + threads - 1) / threads, max_blocks_));
    const int t = begin(timing_kind::kernel, 0);
    for_each_kernel<<<blocks, threads, 0, compute_>>>(n, body);
    WCS_CUDA_CHECK(cudaGetLastError());
    end(t);
  }

  template <class In>
  void inclusive_sum(std::size_t n, const In& in, std::uint32_t* out) {
    const auto it = thrust::make_transform_iterator(thrust::counting_iterator<std::size_t>(0), in);
    scan([&](void* temp, std::size_t& bytes) {
      return cub::DeviceScan::InclusiveSum(temp, bytes, it, out, static_cast<std::uint32_t>(n), compute_);
    });
  }

  void exclusive_sum(std::size_t n, const std::uint64_t* in, std::uint64_t* out) {
    scan([&](void* temp, std::size_t& bytes) {
      return cub::DeviceScan::ExclusiveSum(temp, bytes, in, out, static_cast<std::uint32_t>(n), compute_);
    });
  }

  template <class T>
  void zero(T* p, std::size_t n) {
    if (n != 0) WCS_CUDA_CHECK(cudaMemsetAsync(p, 0, n * sizeof(T), compute_));
  }
  template <class T>
  void copy(T* dst, const T* src, std::size_t n) {
    if (n != 0) WCS_CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof(T), cudaMemcpyDeviceToDevice, compute_));
  }
  template <class T>
  void upload(T* dst, const T* host_src, std::size_t n) {
    transfer(dst, host_src, n * sizeof(T), cudaMemcpyHostToDevice, timing_kind::h2d);
  }
  template <class T>
  void download(T* host_dst, const T* src, std::size_t n) {
    transfer(host_dst, src, n * sizeof(T), cudaMemcpyDeviceToHost, timing_kind::d2h);
  }
  template <class T>
  T read(const T* src) {
    T v;
    download(&v, src, 1);
    return v;
  }

  void upload_input(int slot, std::uint8_t* dst, std::span<const std::uint8_t> text);
  void consume_input(int slot);
  void release_input(int slot);
  void wait_input(int slot);

  // Sums of the profiled event pairs since the last call (waits for all work).
  device_timing take_timing();

 private:
  enum class timing_kind { h2d, kernel, d2h };

  // Event pair around work on a stream (profiling only): begin returns its index, or -1.
  int begin(timing_kind kind, std::size_t bytes, cudaStream_t stream = nullptr);
  void end(int index, cudaStream_t stream = nullptr);

  void transfer(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, timing_kind what);

  // CUB's two-call temporary storage protocol, with one growing buffer.
  template <class Call>
  void scan(Call&& call) {
    std::size_t bytes = 0;
    WCS_CUDA_CHECK(call(nullptr, bytes));
    if (bytes > temp_.size()) temp_ = device_buffer<std::uint8_t>(bytes);
    const int t = begin(timing_kind::kernel, 0);
    WCS_CUDA_CHECK(call(temp_.data(), bytes));
    end(t);
  }

  struct timed {
    timing_kind kind;
    std::size_t bytes;
    cudaEvent_t start;
    cudaEvent_t stop;
  };

  cudaStream_t compute_ = nullptr;
  cudaStream_t copy_ = nullptr;
  cudaEvent_t copied_[2] = {};
  cudaEvent_t released_[2] = {};
  std::size_t max_blocks_ = 0;
  device_buffer<std::uint8_t> temp_;
  std::uint8_t* staging_ = nullptr;  // pinned, for input that is not pinned already
  std::size_t staging_bytes_ = 0;
  bool profile_;
  std::vector<timed> timed_;
};

}  // namespace wcs::cuda
