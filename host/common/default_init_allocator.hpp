#pragma once
// std::allocator, except that resize() leaves new elements default-initialized: a big array that
// tasks fill in parallel then takes its page faults in those tasks, not in one serial zero fill.
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace wcs {

template <class T>
struct default_init_allocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  default_init_allocator() = default;
  template <class U>
  default_init_allocator(const default_init_allocator<U>&) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T>
using uninit_vector = std::vector<T, default_init_allocator<T>>;

}  // namespace wcs
