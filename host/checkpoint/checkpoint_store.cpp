#include "host/checkpoint/checkpoint_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <functional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "ingest/common/durable_file.hpp"

namespace wcs {
namespace {

namespace fs = std::filesystem;

std::string file_name(std::int64_t batch_ms) { return fmt::format("checkpoint-{}.wcs", batch_ms); }

// checkpoint-<ms>.wcs in `dir`, newest first.
std::vector<std::pair<std::int64_t, std::string>> list_checkpoints(const std::string& dir) {
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    constexpr std::string_view prefix = "checkpoint-", suffix = ".wcs";
    if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size() - suffix.size();
    std::int64_t ms = 0;
    const auto [end, ec] = std::from_chars(first, last, ms);
    if (ec != std::errc{} || end != last) continue;
    found.emplace_back(ms, entry.path().string());
  }
  std::sort(found.begin(), found.end(), std::greater<>());
  return found;
}

std::string read_file(const std::string& path) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw checkpoint_error(fmt::format("cannot be opened: {}", std::strerror(errno)));
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw checkpoint_error(fmt::format("cannot be read: {}", std::strerror(errno)));
    if (n == 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

checkpoint_store::checkpoint_store(std::string dir) : dir_(std::move(dir)) {
  const std::string what = fmt::format("checkpoint directory {}", dir_);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", what, ec.message()));
  const std::string lock = dir_ + "/.lock";
  unique_fd fd = open_or_fail(what, lock, O_RDWR | O_CREAT, 0644);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) throw std::runtime_error(fmt::format("{} is in use by another wcstream", what));
    throw_io_error(what, "lock", lock, errno);
  }
  lock_fd_ = fd.release();
  // Only a write interrupted by a crash leaves a temporary file; we hold the lock, so none is in use.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".checkpoint-") && name.ends_with(".tmp")) fs::remove(entry.path(), ec);
  }
}

checkpoint_store::checkpoint_store(checkpoint_store&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

checkpoint_store::~checkpoint_store() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void checkpoint_store::write(std::int64_t last_batch_ms, std::string_view bytes) {
  const std::string path = dir_ + "/" + file_name(last_batch_ms);
  const std::string tmp = dir_ + "/." + file_name(last_batch_ms) + ".tmp";
  const std::string what = fmt::format("cannot write checkpoint {}", path);
  {
    unique_fd fd = open_or_fail(what, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    try {
      write_all(what, fd.get(), bytes, tmp);
      sync_and_close(what, fd, tmp);
      if (::rename(tmp.c_str(), path.c_str()) != 0) throw_io_error(what, "rename", tmp, errno);
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
  }
  sync_dir(what, dir_);
  const auto files = list_checkpoints(dir_);
  for (std::size_t i = 2; i < files.size(); ++i) {
    if (::unlink(files[i].second.c_str()) != 0)
      spdlog::warn("cannot remove old checkpoint {}: {}", files[i].second, std::strerror(errno));
  }
}

std::optional<checkpoint_state> checkpoint_store::load() {
  std::vector<std::pair<std::string, std::string>> invalid;  // path, reason
  for (const auto& [ms, path] : list_checkpoints(dir_)) {
    try {
      checkpoint_state s = decode_checkpoint(read_file(path));
      if (s.meta.last_batch_ms != ms)
        throw checkpoint_error(fmt::format("holds batch {}, not the batch of its name", s.meta.last_batch_ms));
      for (const auto& [bad, reason] : invalid) {
        spdlog::warn("checkpoint {} is invalid ({}): moved to {}.corrupt; resuming from the previous one, {}", bad, reason,
                     bad, path);
        if (::rename(bad.c_str(), (bad + ".corrupt").c_str()) != 0)
          throw_io_error(fmt::format("cannot move invalid checkpoint {} aside", bad), "rename", bad, errno);
      }
      return s;
    } catch (const checkpoint_error& e) {
      invalid.emplace_back(path, e.what());
    }
  }
  if (invalid.empty()) return std::nullopt;
  std::vector<std::string> reasons;
  for (const auto& [bad, reason] : invalid) reasons.push_back(fmt::format("{} ({})", bad, reason));
  throw std::runtime_error(fmt::format("no valid checkpoint in {}: {}; move them away to start afresh", dir_,
                                       fmt::join(reasons, ", ")));
}

}  // namespace wcs
