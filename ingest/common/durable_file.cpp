#include "ingest/common/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace wcs {

unique_fd::unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

unique_fd::~unique_fd() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

int unique_fd::release() { return std::exchange(fd_, -1); }

int unique_fd::close() { return ::close(std::exchange(fd_, -1)); }

void throw_io_error(std::string_view what, std::string_view op, const std::string& path, int err) {
  throw std::runtime_error(fmt::format("{}: {} {}: {}", what, op, path, std::strerror(err)));
}

unique_fd open_or_fail(std::string_view what, const std::string& path, int flags, mode_t mode) {
  unique_fd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
  if (fd.get() < 0) {
    throw_io_error(what, "open", path, errno);
  }
  return fd;
}

void write_all(std::string_view what, int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io_error(what, "write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void sync_and_close(std::string_view what, unique_fd& fd, const std::string& path) {
  if (::fsync(fd.get()) != 0) {
    throw_io_error(what, "fsync", path, errno);
  }
  if (fd.close() != 0) {
    throw_io_error(what, "close", path, errno);
  }
}

void sync_dir(std::string_view what, const std::string& dir) {
  unique_fd fd = open_or_fail(what, dir, O_RDONLY | O_DIRECTORY);
  sync_and_close(what, fd, dir);
}

}  // namespace wcs
