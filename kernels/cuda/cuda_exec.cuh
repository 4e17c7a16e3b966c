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
// Lifetimes: device buffers are allocated and freed in stream order on `compute` (cudaMallocAsync /
// cudaFreeAsync), so a buffer dropped while kernels that read it are still queued (table growth,
// arena and scratch reallocation) lives until they are done, without stalling the device as cudaFree
// may. The copy stream writes only into input buffers; after an allocation it waits for `compute` so
// it never touches memory before the allocation is ordered.
//
// Kernels: for_each_kernel is a grid-stride loop, one thread per index, 256 threads per block and at
// most 32 blocks per SM (enough to fill it; the loop covers the rest). With WCS_CUDA_SYNC=1 in the
// environment every kernel and scan is followed by a stream synchronization and check, so a kernel
// fault is reported under the kernel's own name (debugging only: it removes all overlap).
#include <cuda_runtime.h>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "kernels/cuda/device.hpp"
#include "kernels/cuda/pinned_staging.hpp"

namespace wcs::cuda {

// Throws std::runtime_error("CUDA error in <call>: <message> (<name>)") unless e == cudaSuccess.
void check(cudaError_t e, const char* call);
#define WCS_CUDA_CHECK(call) ::wcs::cuda::check((call), #call)

// The demangled name of a kernel body type, for error messages.
std::string body_name(const char* mangled);

template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  device_buffer(std::size_t n, cudaStream_t stream) : n_(n), stream_(stream) {
    if (n != 0) WCS_CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&p_), n * sizeof(T), stream));
  }
  device_buffer(device_buffer&& o) noexcept
      : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)), stream_(o.stream_) {}
  device_buffer& operator=(device_buffer&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    std::swap(stream_, o.stream_);
    return *this;
  }
  ~device_buffer() {
    if (p_ != nullptr) cudaFreeAsync(p_, stream_);  // after the work already queued on the stream
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  std::size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
  cudaStream_t stream_ = nullptr;
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
  buffer<T> allocate(std::size_t n) {
    buffer<T> b(n, compute_);
    if (n != 0) order_copy_after_compute();
    return b;
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
    if (sync_each_launch_) check_launch("kernel " + body_name(typeid(Body).name()));
  }

  template <class In>
  void inclusive_sum(std::size_t n, const In& in, std::uint32_t* out) {
    const auto it = thrust::make_transform_iterator(thrust::counting_iterator<std::size_t>(0), in);
    run_cub([&](void* temp, std::size_t& bytes) {
      return cub::DeviceScan::InclusiveSum(temp, bytes, it, out, static_cast<std::int64_t>(n), compute_);
    }, "cub::DeviceScan::InclusiveSum");
  }

  void exclusive_sum(std::size_t n, const std::uint64_t* in, std::uint64_t* out) {
    run_cub([&](void* temp, std::size_t& bytes) {
      return cub::DeviceScan::ExclusiveSum(temp, bytes, in, out, static_cast<std::int64_t>(n), compute_);
    }, "cub::DeviceScan::ExclusiveSum");
  }

  void sort_descending(std::size_t n, const std::uint64_t* in, std::uint64_t* out) {
    run_cub([&](void* temp, std::size_t& bytes) {
      return cub::DeviceRadixSort::SortKeysDescending(temp, bytes, in, out, static_cast<std::int64_t>(n), 0, 64, compute_);
    }, "cub::DeviceRadixSort::SortKeysDescending");
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

  void synchronize() { WCS_CUDA_CHECK(cudaStreamSynchronize(compute_)); }

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

  // The copy stream waits for the work queued on compute so far (after an allocation there).
  void order_copy_after_compute();
  // WCS_CUDA_SYNC: waits for the compute stream and reports an error under `what`.
  void check_launch(const std::string& what);
  // Destroys what the constructor made (also when it failed partway).
  void release() noexcept;

  // CUB's two-call temporary storage protocol, with one growing buffer (the old one is freed in
  // stream order, after the scan or sort that may still use it).
  template <class Call>
  void run_cub(Call&& call, const char* what) {
    std::size_t bytes = 0;
    WCS_CUDA_CHECK(call(nullptr, bytes));
    if (bytes > temp_.size()) temp_ = device_buffer<std::uint8_t>(bytes, compute_);
    const int t = begin(timing_kind::kernel, 0);
    WCS_CUDA_CHECK(call(temp_.data(), bytes));
    end(t);
    if (sync_each_launch_) check_launch(what);
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
  cudaEvent_t allocated_ = nullptr;
  std::size_t max_blocks_ = 0;
  device_buffer<std::uint8_t> temp_;
  pinned_staging staging_;  // for input that is not pinned already
  bool profile_;
  bool sync_each_launch_ = false;
  std::vector<timed> timed_;
};

}  // namespace wcs::cuda
