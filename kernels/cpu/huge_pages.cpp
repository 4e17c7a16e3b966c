#include "kernels/cpu/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdlib>

namespace wcs {

void* allocate_large(std::size_t bytes) {
  constexpr std::size_t huge_page = std::size_t{2} << 20;
  // From a quarter huge page up, rounding up to a whole one wastes at most 1.5 MiB per array.
  const std::size_t alignment = bytes >= huge_page / 4 ? huge_page : 64;
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (alignment == huge_page) ::madvise(p, rounded, MADV_HUGEPAGE);
  return p;
}

void free_large(void* p) noexcept { std::free(p); }

}  // namespace wcs
