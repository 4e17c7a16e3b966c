#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>

// POSIX file helpers for writes that must survive a crash. Every error is one std::runtime_error line,
// "<what>: <op> <path>: <strerror>", where `what` says what the caller was doing.
namespace wcs {

class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();

  int get() const { return fd_; }
  int release();
  // Closes now so that a close error (possible on NFS after delayed write-back) is reported.
  int close();

 private:
  int fd_;
};

[[noreturn]] void throw_io_error(std::string_view what, std::string_view op, const std::string& path, int err);

// open(2) with O_CLOEXEC added.
unique_fd open_or_fail(std::string_view what, const std::string& path, int flags, mode_t mode = 0666);

// Retries short and interrupted writes.
void write_all(std::string_view what, int fd, std::string_view data, const std::string& path);

void sync_and_close(std::string_view what, unique_fd& fd, const std::string& path);

// Makes a directory's entries (new files, renames) durable.
void sync_dir(std::string_view what, const std::string& dir);

}  // namespace wcs
