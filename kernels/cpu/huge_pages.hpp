#pragma once
// Memory for big arrays that are filled once and reused (ingest buffers, word tables): 2 MiB aligned
// and advised as transparent huge pages from 512 KiB up, so touching it costs one page fault
// per 2 MiB instead of 512. Faults are dear in VMs: before this, a 41 MB run took 7,300 of them.
#include <cstddef>
#include <new>

namespace wcs {

// Throws std::bad_alloc. Blocks under 512 KiB are ordinary 64-byte aligned memory.
void* allocate_large(std::size_t bytes);
void free_large(void* p) noexcept;

template <class T>
struct large_allocator {
  using value_type = T;
  large_allocator() = default;
  template <class U>
  large_allocator(const large_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_large(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { free_large(p); }
  friend bool operator==(const large_allocator&, const large_allocator&) { return true; }
};

}  // namespace wcs
