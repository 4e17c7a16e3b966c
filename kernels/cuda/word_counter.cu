// The CUDA executor, device discovery and word_counter<cuda_exec> (the one instantiation).
#include <cxxabi.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/cuda/device_entries.cuh"
#include "kernels/cuda/word_counter.hpp"

namespace wcs::cuda {

void check(cudaError_t e, const char* call) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so later calls report their own
  throw std::runtime_error(std::string("CUDA error in ") + call + ": " + cudaGetErrorString(e) + " (" +
                           cudaGetErrorName(e) + ")");
}

device_info probe() {
  device_info info;
  const cudaError_t e = cudaGetDeviceCount(&info.devices);
  if (e != cudaSuccess) {
    cudaGetLastError();
    info.devices = 0;
    info.reason = cudaGetErrorString(e);
    return info;
  }
  if (info.devices == 0) {
    info.reason = "no CUDA device found";
    return info;
  }
  // The binaries hold sm_80 and sm_90 code and sm_90 PTX: devices before 8.0 cannot run them.
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess || prop.major < 8) {
    cudaGetLastError();
    info.reason = "device 0 has compute capability " + std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                  "; the CUDA backend needs 8.0 or newer";
    info.devices = 0;
    return info;
  }
  info.name = prop.name;
  return info;
}

namespace {

void* allocate_pinned(std::size_t bytes) {
  void* p = nullptr;
  WCS_CUDA_CHECK(cudaHostAlloc(&p, bytes, cudaHostAllocDefault));
  return p;
}

void release_pinned(void* p) { cudaFreeHost(p); }

bool sync_each_launch_requested() {
  const char* v = std::getenv("WCS_CUDA_SYNC");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

}  // namespace

std::string body_name(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && name != nullptr ? name.get() : mangled;
}

cuda_exec::cuda_exec(bool profile)
    : staging_(allocate_pinned, release_pinned), profile_(profile), sync_each_launch_(sync_each_launch_requested()) {
  try {
    WCS_CUDA_CHECK(cudaStreamCreateWithFlags(&compute_, cudaStreamNonBlocking));
    WCS_CUDA_CHECK(cudaStreamCreateWithFlags(&copy_, cudaStreamNonBlocking));
    for (int s = 0; s < 2; ++s) {
      WCS_CUDA_CHECK(cudaEventCreateWithFlags(&copied_[s], cudaEventDisableTiming));
      WCS_CUDA_CHECK(cudaEventCreateWithFlags(&released_[s], cudaEventDisableTiming));
    }
    WCS_CUDA_CHECK(cudaEventCreateWithFlags(&allocated_, cudaEventDisableTiming));
    int device = 0;
    int sms = 0;
    int pools = 0;
    WCS_CUDA_CHECK(cudaGetDevice(&device));
    WCS_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
    WCS_CUDA_CHECK(cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device));
    if (pools == 0) throw std::runtime_error("CUDA device without stream-ordered allocation (cudaMallocAsync)");
    max_blocks_ = static_cast<std::size_t>(sms) * 32;
  } catch (...) {
    release();
    throw;
  }
}

cuda_exec::~cuda_exec() {
  if (copy_ != nullptr) cudaStreamSynchronize(copy_);
  if (compute_ != nullptr) cudaStreamSynchronize(compute_);
  release();
}

void cuda_exec::release() noexcept {
  temp_ = device_buffer<std::uint8_t>();  // freed on compute, before it is destroyed
  staging_.release();
  for (const timed& t : timed_) {
    cudaEventDestroy(t.start);
    cudaEventDestroy(t.stop);
  }
  timed_.clear();
  for (cudaEvent_t* e : {&copied_[0], &copied_[1], &released_[0], &released_[1], &allocated_}) {
    if (*e != nullptr) cudaEventDestroy(std::exchange(*e, nullptr));
  }
  if (copy_ != nullptr) cudaStreamDestroy(std::exchange(copy_, nullptr));
  if (compute_ != nullptr) cudaStreamDestroy(std::exchange(compute_, nullptr));
}

void cuda_exec::order_copy_after_compute() {
  WCS_CUDA_CHECK(cudaEventRecord(allocated_, compute_));
  WCS_CUDA_CHECK(cudaStreamWaitEvent(copy_, allocated_, 0));
}

void cuda_exec::check_launch(const std::string& what) {
  const cudaError_t e = cudaStreamSynchronize(compute_);
  check(e, (what + " (WCS_CUDA_SYNC)").c_str());
}

int cuda_exec::begin(timing_kind kind, std::size_t bytes, cudaStream_t stream) {
  if (!profile_) return -1;
  timed t{kind, bytes, nullptr, nullptr};
  WCS_CUDA_CHECK(cudaEventCreate(&t.start));
  WCS_CUDA_CHECK(cudaEventCreate(&t.stop));
  WCS_CUDA_CHECK(cudaEventRecord(t.start, stream != nullptr ? stream : compute_));
  timed_.push_back(t);
  return static_cast<int>(timed_.size() - 1);
}

void cuda_exec::end(int index, cudaStream_t stream) {
  if (index < 0) return;
  WCS_CUDA_CHECK(cudaEventRecord(timed_[index].stop, stream != nullptr ? stream : compute_));
}

void cuda_exec::transfer(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, timing_kind what) {
  if (bytes == 0) return;
  const int t = begin(what, bytes);
  WCS_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, kind, compute_));
  end(t);
  WCS_CUDA_CHECK(cudaStreamSynchronize(compute_));
}

void cuda_exec::upload_input(int slot, std::uint8_t* dst, std::span<const std::uint8_t> text) {
  // The chunk two back (same slot) must be done with dst before it is overwritten.
  WCS_CUDA_CHECK(cudaStreamWaitEvent(copy_, released_[slot], 0));
  const std::uint8_t* src = text.data();
  cudaPointerAttributes attributes{};
  WCS_CUDA_CHECK(cudaPointerGetAttributes(&attributes, src));
  if (attributes.type != cudaMemoryTypeHost) {
    // Pageable input goes through one pinned staging buffer: free again, since add_chunk waited
    // for the previous copy (wait_input) before returning.
    std::uint8_t* staged = staging_.reserve(text.size());
    std::memcpy(staged, src, text.size());
    src = staged;
  }
  const int t = begin(timing_kind::h2d, text.size(), copy_);
  WCS_CUDA_CHECK(cudaMemcpyAsync(dst, src, text.size(), cudaMemcpyHostToDevice, copy_));
  end(t, copy_);
  WCS_CUDA_CHECK(cudaEventRecord(copied_[slot], copy_));
}

void cuda_exec::consume_input(int slot) { WCS_CUDA_CHECK(cudaStreamWaitEvent(compute_, copied_[slot], 0)); }

void cuda_exec::release_input(int slot) { WCS_CUDA_CHECK(cudaEventRecord(released_[slot], compute_)); }

void cuda_exec::wait_input(int slot) { WCS_CUDA_CHECK(cudaEventSynchronize(copied_[slot])); }

device_timing cuda_exec::take_timing() {
  WCS_CUDA_CHECK(cudaStreamSynchronize(copy_));
  WCS_CUDA_CHECK(cudaStreamSynchronize(compute_));
  device_timing sum;
  for (const timed& t : timed_) {
    float ms = 0;
    WCS_CUDA_CHECK(cudaEventElapsedTime(&ms, t.start, t.stop));
    switch (t.kind) {
      case timing_kind::h2d:
        sum.h2d_ms += ms;
        sum.h2d_bytes += t.bytes;
        break;
      case timing_kind::kernel:
        sum.kernel_ms += ms;
        break;
      case timing_kind::d2h:
        sum.d2h_ms += ms;
        sum.d2h_bytes += t.bytes;
        break;
    }
    cudaEventDestroy(t.start);
    cudaEventDestroy(t.stop);
  }
  timed_.clear();
  return sum;
}

device_entries::device_entries() : impl_(std::make_unique<impl>()) {}
device_entries::~device_entries() = default;
device_entries::device_entries(device_entries&&) noexcept = default;
device_entries& device_entries::operator=(device_entries&&) noexcept = default;

struct device_word_counter::impl {
  impl(std::size_t initial_slots, bool profile) : counter(initial_slots, profile) {}
  word_counter<cuda_exec> counter;
};

device_word_counter::device_word_counter(std::size_t initial_slots, bool profile)
    : impl_(std::make_unique<impl>(initial_slots, profile)) {}
device_word_counter::~device_word_counter() = default;

void device_word_counter::add_chunk(std::span<const std::uint8_t> text) { impl_->counter.add_chunk(text); }
void device_word_counter::collect_batch(bool forget_ids, batch_result& out) {
  impl_->counter.collect_batch(forget_ids, out);
}
device_entries device_word_counter::settle_batch(std::span<const std::uint32_t> fresh_ids, std::size_t dictionary_size) {
  device_entries e;
  e.get().entries = impl_->counter.settle_batch(fresh_ids, dictionary_size);
  return e;
}
void device_word_counter::download(const device_entries& e, std::vector<std::uint32_t>& ids,
                                   std::vector<std::uint64_t>& counts) {
  impl_->counter.download(e.get().entries, ids, counts);
}
void device_word_counter::download_top(const device_entries& e, std::size_t num, std::vector<std::uint32_t>& ids,
                                       std::vector<std::uint64_t>& counts) {
  impl_->counter.download_top(e.get().entries, num, ids, counts);
}
device_timing device_word_counter::take_timing() { return impl_->counter.exec().take_timing(); }

}  // namespace wcs::cuda
