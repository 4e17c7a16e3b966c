#pragma once
// Large batch buffers the ingest thread reads into. On CUDA builds they are pinned (page-locked) host
// memory so the GPU backend can copy them asynchronously; elsewhere, or when no CUDA driver is
// present, huge-page memory from allocate_large (kernels/cpu/huge_pages.hpp). Callers never see the
// difference.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace wcs {

class host_buffer {
 public:
  host_buffer() = default;
  explicit host_buffer(std::size_t capacity);

  std::uint8_t* data() const { return data_.get(); }
  bool pinned() const { return data_.get_deleter().pinned; }

 private:
  struct deleter {
    bool pinned;
    std::size_t bytes;
    void operator()(std::uint8_t* p) const;
  };
  std::unique_ptr<std::uint8_t, deleter> data_{nullptr, deleter{false, 0}};
};

}  // namespace wcs
