#include "ingest/core/chunk_ring.hpp"

namespace wcs {

chunk_ring::chunk_ring(std::size_t buffers, std::size_t buffer_bytes, bool tickets_only) : buffer_bytes_(buffer_bytes) {
  all_.reserve(buffers);
  for (std::size_t i = 0; i < buffers; ++i) {
    if (tickets_only) {
      all_.emplace_back();
    } else {
      all_.emplace_back(buffer_bytes);
    }
  }
  for (auto& b : all_) free_.push_back(&b);
}

host_buffer* chunk_ring::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !free_.empty(); });
  host_buffer* b = free_.back();
  free_.pop_back();
  return b;
}

void chunk_ring::release(host_buffer* buffer) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(buffer);
  }
  available_.notify_one();
}

}  // namespace wcs
