#pragma once
// The host launcher of the GPU path: the executor interface of kernels/cuda/cuda_exec.cuh implemented
// with host memory and oneTBB, so word_counter<host_exec> and dense_counts<host_exec> run the very
// per-thread bodies and the same stage sequence as the CUDA backend, concurrently, without a GPU.
//
// Executor interface (what kernels/cuda/word_counter.hpp and dense_counts.hpp use):
//   buffer<T>                          owning array in the executor's memory (data(), size())
//   for_each(n, body)                  body(i) for i in [0, n): one GPU thread per index
//   inclusive_sum(n, in, out)          out[i] = in(0) + ... + in(i), in(i) -> uint32
//   exclusive_sum(n, in, out)          out[i] = in[0] + ... + in[i-1] over uint64
//   sort_descending(n, in, out)        out = in[0, n) sorted, largest first, over uint64
//   zero/copy/upload/download/read     memory operations; upload/download/read wait for completion
//                                      (here download and read also count the bytes they bring back)
//   synchronize()                      waits for everything queued (before another executor's stream
//                                      reads or frees this one's buffers)
//   allocate<T>(n)                     uninitialised, like cudaMalloc (here: poisoned, so a read before
//                                      the first write shows up as garbage, not as a lucky zero)
//   upload_input / consume_input / release_input / wait_input
//                                      the double-buffered input copy (no-ops here but the memcpy)
// Every operation is ordered after the previous ones (one stream); here they are simply synchronous.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <type_traits>
#include <vector>

namespace wcs {

class host_exec {
 public:
  template <class T>
  class buffer {
   public:
    buffer() = default;
    explicit buffer(std::size_t n) : v_(n) {
      static_assert(std::is_trivially_copyable_v<T>);
      if (n != 0) std::memset(static_cast<void*>(v_.data()), poison_byte, n * sizeof(T));
    }
    T* data() { return v_.data(); }
    const T* data() const { return v_.data(); }
    std::size_t size() const { return v_.size(); }

   private:
    std::vector<T> v_;
  };

  static constexpr std::uint8_t poison_byte = 0xA5;

  // for_each runs on oneTBB worker threads (exercising the atomics) from `serial_below` items on, in
  // ranges of half that; below it, on the calling thread in order. A tiny threshold makes every
  // kernel of a small test concurrent; serial() never is.
  explicit host_exec(std::size_t serial_below = 8192) : serial_below_(std::max<std::size_t>(serial_below, 2)) {}
  static host_exec serial() { return host_exec(SIZE_MAX); }

  template <class T>
  buffer<T> allocate(std::size_t n) const {
    return buffer<T>(n);
  }

  template <class Body>
  void for_each(std::size_t n, const Body& body) const {
    if (n < serial_below_) {
      for (std::size_t i = 0; i < n; ++i) body(i);
      return;
    }
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, serial_below_ / 2), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i < r.end(); ++i) body(i);
    });
  }

  template <class In>
  void inclusive_sum(std::size_t n, const In& in, std::uint32_t* out) const {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) out[i] = sum += in(i);
  }

  void exclusive_sum(std::size_t n, const std::uint64_t* in, std::uint64_t* out) const {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t v = in[i];
      out[i] = sum;
      sum += v;
    }
  }

  void sort_descending(std::size_t n, const std::uint64_t* in, std::uint64_t* out) const {
    copy(out, in, n);
    std::sort(out, out + n, std::greater<>());
  }

  template <class T>
  void zero(T* p, std::size_t n) const {
    std::fill(p, p + n, T{});
  }
  template <class T>
  void copy(T* dst, const T* src, std::size_t n) const {
    if (n != 0) std::memcpy(dst, src, n * sizeof(T));
  }
  template <class T>
  void upload(T* dst, const T* host_src, std::size_t n) const {
    copy(dst, host_src, n);
  }
  template <class T>
  void download(T* host_dst, const T* src, std::size_t n) const {
    downloaded_bytes_ += n * sizeof(T);
    copy(host_dst, src, n);
  }
  template <class T>
  T read(const T* src) const {
    downloaded_bytes_ += sizeof(T);
    return *src;
  }

  // Bytes download and read brought back so far (what would cross the bus device-to-host).
  std::uint64_t downloaded_bytes() const { return downloaded_bytes_; }

  void synchronize() const {}

  void upload_input(int /*slot*/, std::uint8_t* dst, std::span<const std::uint8_t> text) const {
    copy(dst, text.data(), text.size());
  }
  void consume_input(int /*slot*/) const {}
  void release_input(int /*slot*/) const {}
  void wait_input(int /*slot*/) const {}

 private:
  std::size_t serial_below_;
  mutable std::uint64_t downloaded_bytes_ = 0;
};

}  // namespace wcs
