#include "host/sink/text_file_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "ingest/common/durable_file.hpp"
#include "host/sink/py_repr.hpp"
#include "host/sink/record_order.hpp"

namespace wcs {
namespace {

namespace fs = std::filesystem;

// Records are formatted into a buffer flushed in large writes: a few syscalls per batch, bounded memory.
constexpr std::size_t flush_bytes = std::size_t{1} << 20;

// mkdir -p. An existing file in the way is reported by the mkdir below it (ENOTDIR) with that path.
void make_dirs(std::string_view what, const fs::path& dir) {
  fs::path partial;
  for (const fs::path& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST) {
      throw_io_error(what, "mkdir", partial.string(), errno);
    }
  }
}

void remove_tree(const std::string& path) {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

// Removes the temporary directory unless the batch was committed.
class temp_dir_guard {
 public:
  explicit temp_dir_guard(std::string path) : path_(std::move(path)) {}
  temp_dir_guard(const temp_dir_guard&) = delete;
  temp_dir_guard& operator=(const temp_dir_guard&) = delete;
  ~temp_dir_guard() {
    if (!committed_) {
      remove_tree(path_);
    }
  }
  void commit() { committed_ = true; }

 private:
  std::string path_;
  bool committed_ = false;
};

// Creates the hidden temporary directory, and the output's parent directories on first use. A
// directory of the same name can only be left by a crashed run (pids repeat in containers): replace it.
void make_temp_dir(std::string_view what, const fs::path& parent, const std::string& tmp) {
  if (::mkdir(tmp.c_str(), 0777) == 0) {
    return;
  }
  if (errno == ENOENT) {
    make_dirs(what, parent);
  } else if (errno == EEXIST) {
    remove_tree(tmp);
  } else {
    throw_io_error(what, "mkdir", tmp, errno);
  }
  if (::mkdir(tmp.c_str(), 0777) != 0) {
    throw_io_error(what, "mkdir", tmp, errno);
  }
}

// Puts the finished `tmp` at `target`, replacing an existing batch directory of that name.
void install(std::string_view what, const std::string& tmp, const std::string& target, const std::string& aside) {
  if (::rename(tmp.c_str(), target.c_str()) == 0) {
    return;
  }
  if (errno != EEXIST && errno != ENOTEMPTY) {
    throw_io_error(what, "rename to", target, errno);
  }
  // A swap keeps a complete directory at `target` at every instant; the old one ends up at `tmp`.
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    remove_tree(tmp);
    return;
  }
  if (errno != EINVAL && errno != ENOSYS) {
    throw_io_error(what, "rename to", target, errno);
  }
  // The file system cannot swap: move the old directory aside, for the shortest possible gap.
  remove_tree(aside);
  if (::rename(target.c_str(), aside.c_str()) != 0) {
    throw_io_error(what, "rename to", aside, errno);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::rename(aside.c_str(), target.c_str());  // put the old batch back rather than leave nothing
    throw_io_error(what, "rename to", target, err);
  }
  remove_tree(aside);
}

}  // namespace

text_file_sink::text_file_sink(std::string prefix, bool suffix_by_mode)
    : prefix_(std::move(prefix)), suffix_by_mode_(suffix_by_mode) {}

std::string text_file_sink::batch_dir(std::int64_t batch_ms, mode m) const {
  if (!suffix_by_mode_) {
    return fmt::format("{}-{}", prefix_, batch_ms);
  }
  return fmt::format("{}-{}.{}", prefix_, batch_ms, mode_name(m));
}

void text_file_sink::write(const view_output& out) {
  const host_entries& table = out.records.all().host();
  records_.clear();
  records_.reserve(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) records_.push_back({out.words.word(table.ids[i]), table.counts[i]});
  order_records(records_);
  write_batch(out.batch_ms, out.view, records_);
}

void text_file_sink::write_batch(std::int64_t batch_ms, mode m, std::span<const word_count> records) {
  const std::string target = batch_dir(batch_ms, m);
  // Every error names the batch directory, then the operation and the path it failed on.
  const std::string what = fmt::format("cannot write {}", target);
  const fs::path target_path(target);
  fs::path parent = target_path.parent_path();
  if (parent.empty()) {
    parent = ".";
  }
  // Hidden siblings in the same directory: rename stays atomic and readers globbing PREFIX-* skip them.
  const std::string hidden = fmt::format("{}/.{}", parent.string(), target_path.filename().string());
  const std::string tmp = fmt::format("{}.tmp-{}", hidden, ::getpid());
  const std::string aside = fmt::format("{}.old-{}", hidden, ::getpid());

  make_temp_dir(what, parent, tmp);
  temp_dir_guard guard(tmp);

  const std::string part = tmp + "/part-00000";
  unique_fd part_fd = open_or_fail(what, part, O_WRONLY | O_CREAT | O_EXCL);
  std::string buffer;
  for (const word_count& r : records) {
    append_py_tuple(buffer, r);
    buffer += '\n';
    if (buffer.size() >= flush_bytes) {
      write_all(what, part_fd.get(), buffer, part);
      buffer.clear();
    }
  }
  write_all(what, part_fd.get(), buffer, part);
  sync_and_close(what, part_fd, part);

  const std::string success = tmp + "/_SUCCESS";
  unique_fd success_fd = open_or_fail(what, success, O_WRONLY | O_CREAT | O_EXCL);
  sync_and_close(what, success_fd, success);
  sync_dir(what, tmp);

  install(what, tmp, target, aside);
  guard.commit();
  sync_dir(what, parent.string());
}

}  // namespace wcs
