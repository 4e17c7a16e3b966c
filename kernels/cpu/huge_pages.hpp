#pragma once
// Memory for big arrays that are filled once and reused (ingest buffers, word tables). From 512 KiB
// up it is mapped fresh from the kernel, 2 MiB aligned and advised as transparent huge pages, so
// touching it costs one page fault per 2 MiB instead of 512 (faults are dear in VMs). It always comes
// zeroed, and nothing writes it before its first use.
#include <cstddef>
#include <memory>

namespace wcs {

// Zeroed memory; throws std::bad_alloc. free_large needs the size that was asked for.
void* allocate_large(std::size_t bytes);
void free_large(void* p, std::size_t bytes) noexcept;

// A block from allocate_large, given back when dropped (the deleter keeps its size).
struct large_free {
  std::size_t bytes;
  void operator()(std::byte* p) const noexcept { free_large(p, bytes); }
};
using large_block = std::unique_ptr<std::byte, large_free>;

inline large_block make_large_block(std::size_t bytes) {
  return large_block(static_cast<std::byte*>(allocate_large(bytes)), large_free{bytes});
}

}  // namespace wcs
