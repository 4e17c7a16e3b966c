#pragma once
// The bounded memory of the ingest path: a fixed ring of host buffers. The ingest thread fills one
// buffer at a time; a sealed buffer travels to the engine as a chunk and comes back when processed.
// When every buffer is in flight the ingest thread waits, stops reading the socket, and TCP flow
// control pushes back on the sender: memory never grows with the stream.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "ingest/core/host_buffer.hpp"

namespace wcs {

class chunk_ring {
 public:
  // tickets_only: the buffers hold no memory; they only bound the chunks in flight (a mapped source's
  // chunks point into the mapping).
  chunk_ring(std::size_t buffers, std::size_t buffer_bytes, bool tickets_only = false);

  // Blocks until a buffer is free.
  host_buffer* acquire();
  void release(host_buffer* buffer);

  std::size_t buffer_bytes() const { return buffer_bytes_; }
  std::size_t buffers() const { return all_.size(); }

 private:
  std::size_t buffer_bytes_;
  std::vector<host_buffer> all_;
  std::vector<host_buffer*> free_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace wcs
