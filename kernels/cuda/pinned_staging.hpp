#pragma once
// The pinned host buffer that pageable input is copied through before its H2D copy (cuda_exec).
// Allocation goes through two functions (cudaHostAlloc / cudaFreeHost there, fakes in the tests), so
// the failure path runs on any host: growing releases the old buffer first, so after a failed
// allocation the staging is empty (no pointer, size 0), never a null pointer with a stale size.
#include <cstddef>
#include <cstdint>
#include <utility>

namespace wcs::cuda {

class pinned_staging {
 public:
  using allocate_fn = void* (*)(std::size_t bytes);  // throws when it cannot allocate
  using release_fn = void (*)(void* p);

  pinned_staging(allocate_fn allocate, release_fn release) : allocate_(allocate), release_(release) {}
  ~pinned_staging() { release(); }
  pinned_staging(const pinned_staging&) = delete;
  pinned_staging& operator=(const pinned_staging&) = delete;

  // At least `bytes` bytes; the caller has waited for every copy out of the old buffer.
  std::uint8_t* reserve(std::size_t bytes) {
    if (bytes > bytes_) {
      release();
      p_ = static_cast<std::uint8_t*>(allocate_(bytes));
      bytes_ = bytes;
    }
    return p_;
  }

  void release() {
    bytes_ = 0;
    if (void* p = std::exchange(p_, nullptr)) release_(p);
  }

  std::uint8_t* data() const { return p_; }
  std::size_t size() const { return bytes_; }

 private:
  allocate_fn allocate_;
  release_fn release_;
  std::uint8_t* p_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace wcs::cuda
