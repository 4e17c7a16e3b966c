#pragma once
// The GPU path as seen from the host (no CUDA headers): device discovery, and the word counter and
// count table of word_counter.hpp / dense_counts.hpp instantiated on the CUDA executor. Every call
// throws std::runtime_error naming the failing CUDA call and its error.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/cuda/batch_result.hpp"

namespace wcs::cuda {

struct device_info {
  int devices = 0;     // usable devices (compute capability 8.0 or newer)
  std::string reason;  // why there is none (cudaGetErrorString, or the capabilities found)
  std::string name;    // device 0 when there is one
};

// Never throws: every error from cudaGetDeviceCount means "no device".
device_info probe();

// Event-timed sums (only when profiling was asked for).
struct device_timing {
  double h2d_ms = 0;
  double kernel_ms = 0;
  double d2h_ms = 0;
  std::uint64_t h2d_bytes = 0;
  std::uint64_t d2h_bytes = 0;
};

// batch_entries<cuda_exec>: a batch's entries left in device memory by the word counter, for the
// count tables (move-only; freed on the word counter's stream, so it must not outlive that counter).
class device_entries {
 public:
  device_entries();
  ~device_entries();
  device_entries(device_entries&&) noexcept;
  device_entries& operator=(device_entries&&) noexcept;

  struct impl;  // kernels/cuda/device_entries.cuh
  impl& get() { return *impl_; }
  const impl& get() const { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

// word_counter<cuda_exec>: see kernels/cuda/word_counter.hpp for the streams and synchronization.
class device_word_counter {
 public:
  using entries = device_entries;

  explicit device_word_counter(std::size_t initial_slots = std::size_t{1} << 20, bool profile = false);
  ~device_word_counter();
  device_word_counter(const device_word_counter&) = delete;
  device_word_counter& operator=(const device_word_counter&) = delete;

  void add_chunk(std::span<const std::uint8_t> text);
  void collect_batch(bool forget_ids, batch_result& out);
  device_entries settle_batch(std::span<const std::uint32_t> fresh_ids, std::size_t dictionary_size);
  void download(const device_entries& e, std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts);
  void download_top(const device_entries& e, std::size_t num, std::vector<std::uint32_t>& ids,
                    std::vector<std::uint64_t>& counts);
  device_timing take_timing();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// dense_counts<cuda_exec>: a count table in device memory (see kernels/cuda/dense_counts.hpp).
class device_dense_counts {
 public:
  using entries = device_entries;

  explicit device_dense_counts(bool profile = false);
  ~device_dense_counts();
  device_dense_counts(const device_dense_counts&) = delete;
  device_dense_counts& operator=(const device_dense_counts&) = delete;

  void apply(std::span<const std::uint32_t> ids, std::span<const std::uint64_t> counts, int sign);
  void apply(const device_entries& batch, int sign);
  void collect(std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts, bool keep_zero);
  std::size_t collect_top(std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts, std::size_t num,
                          bool keep_zero);
  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size);
  void download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched);
  void upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched);
  device_timing take_timing();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace wcs::cuda
