#pragma once
// std::allocator, except that resize() leaves new elements default-initialized: a big array that
// tasks fill in parallel then takes its page faults in those tasks, not in one serial zero fill.
// Only value-initialization is overridden: std::allocator_traits constructs from arguments with
// construct_at, and (C++20's std::allocator having no rebind) rebinds to default_init_allocator<U>.
#include <memory>
#include <type_traits>
#include <vector>

namespace wcs {

template <class T>
struct default_init_allocator : std::allocator<T> {
  default_init_allocator() = default;
  template <class U>
  default_init_allocator(const default_init_allocator<U>&) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
};

static_assert(std::is_same_v<std::allocator_traits<default_init_allocator<int>>::rebind_alloc<char>, default_init_allocator<char>>);

template <class T>
using uninit_vector = std::vector<T, default_init_allocator<T>>;

}  // namespace wcs
