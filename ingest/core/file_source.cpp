#include "ingest/core/file_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace wcs {

file_source::file_source(const std::string& path) : path_(path) {
  counters_.connected.store(true, std::memory_order_relaxed);  // open until its end, or the constructor throws
  if (path == "-") {
    fd_ = STDIN_FILENO;
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  owned_ = true;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw std::runtime_error(fmt::format("cannot read {}: is a directory", path));
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* m = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd_, 0);
    if (m != MAP_FAILED) {  // otherwise read() it
      map_ = static_cast<const std::uint8_t*>(m);
      map_bytes_ = static_cast<std::size_t>(st.st_size);
      counters_.bytes.store(map_bytes_, std::memory_order_relaxed);
      guard_ = std::make_unique<mapping_guard>(map_, map_bytes_);
      // An uncached file is then read ahead in 2 MiB page-cache folios, which this run and later ones
      // map and unmap with far fewer page-table entries than 4 KiB pages (docs/performance.md).
      ::madvise(m, map_bytes_, MADV_HUGEPAGE);
      ::madvise(m, map_bytes_, MADV_SEQUENTIAL);
    }
  }
}

file_source::~file_source() {
  guard_.reset();  // before the range it guards can be mapped again by anyone
  if (map_ != nullptr) ::munmap(const_cast<std::uint8_t*>(map_), map_bytes_);
  if (owned_) ::close(fd_);
}

void file_source::consumed(const std::uint8_t* end) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t upto = static_cast<std::size_t>(end - map_) / page * page;
  if (upto <= dropped_) return;
  ::madvise(const_cast<std::uint8_t*>(map_) + dropped_, upto - dropped_, MADV_DONTNEED);
  dropped_ = upto;
}

void file_source::check() const {
  if (map_ == nullptr) return;
  // Any shrink is reported, not only one the guard saw: the page holding the new end stays mapped and
  // reads zeros past it without a SIGBUS.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<std::size_t>(st.st_size) < map_bytes_) {
    throw std::runtime_error(fmt::format("cannot read {}: it shrank from {} to {} bytes while being read", path_,
                                         map_bytes_, st.st_size));
  }
  if (const auto at = guard_->failed_at()) {
    throw std::runtime_error(fmt::format("cannot read {} from byte {} on: a read error", path_, *at));
  }
}

read_result file_source::read(std::span<std::uint8_t> into, steady_time deadline) {
  if (!owned_) {  // stdin may be a pipe or terminal: honour the deadline so batches still close
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms_until(deadline)) == 0) return {read_status::timeout};
  }
  for (;;) {
    const ssize_t n = ::read(fd_, into.data(), into.size());
    if (n > 0) {
      counters_.bytes.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      return {read_status::data, static_cast<std::size_t>(n)};
    }
    if (n == 0) {
      counters_.connected.store(false, std::memory_order_relaxed);
      return {read_status::finished};
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return {read_status::timeout};
    throw std::runtime_error(fmt::format("read failed: {}", std::strerror(errno)));
  }
}

}  // namespace wcs
