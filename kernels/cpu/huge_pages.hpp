#pragma once
// Memory for big arrays that are filled once and reused (ingest buffers, word tables). From 512 KiB
// up it is mapped fresh from the kernel, 2 MiB aligned and advised as transparent huge pages, so
// touching it costs one page fault per 2 MiB instead of 512 (faults are dear in VMs: before this, a
// 41 MB run took 7,300 of them). It always comes zeroed, and nothing writes it before its first use.
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

namespace wcs {

// Zeroed memory; throws std::bad_alloc. free_large needs the size that was asked for.
void* allocate_large(std::size_t bytes);
void free_large(void* p, std::size_t bytes) noexcept;

// A fixed-size array of trivial T, zeroed at creation.
template <class T>
class large_array {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  large_array() = default;
  explicit large_array(std::size_t n) : data_(static_cast<T*>(allocate_large(n * sizeof(T)))), size_(n) {}
  large_array(large_array&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  large_array& operator=(large_array&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~large_array() {
    if (data_ != nullptr) free_large(data_, size_ * sizeof(T));
  }

  T* data() const { return data_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace wcs
