#include "ingest/wal/write_ahead_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "ingest/common/durable_file.hpp"
#include "ingest/common/thread_cpu.hpp"

namespace wcs::wal {
namespace fs = std::filesystem;
namespace {

// Replay reads this much at a time (more when one record is larger).
constexpr std::size_t read_bytes = 4 << 20;

// Where O_DIRECT is refused, the sync thread starts the disk writing each time this much more is
// appended, so the log reaches the disk as it arrives rather than in a burst at each batch end (which
// would hold up the checkpoint's own fsync behind it).
constexpr std::uint64_t writeback_bytes = 4 << 20;

// O_DIRECT's unit: buffer address, file offset and length are multiples of it.
constexpr std::size_t block_bytes = 4096;
// The staging buffer for what is copied rather than written in place: small records and the partial
// blocks at a data record's ends. When it fills, it is written.
constexpr std::size_t stage_bytes = 256 << 10;
// Appends are held until this much is held or staged (or flush()).
constexpr std::size_t hold_bytes = 1 << 20;
// Segments grow by this much at a time (fallocate), so an append allocates no blocks.
constexpr std::uint64_t preallocate_bytes = 64 << 20;

// One part of a gathered write (pwritev only reads the bytes).
iovec part(const std::uint8_t* bytes, std::size_t n) { return {const_cast<std::uint8_t*>(bytes), n}; }

constexpr std::uint64_t round_up(std::uint64_t n, std::uint64_t unit) { return (n + unit - 1) / unit * unit; }

bool all_zero(std::span<const std::uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c == 0; });
}

std::string segment_name(std::uint64_t seq) { return fmt::format("wal-{:020}.log", seq); }

// The sequence number of a segment file name; nullopt for other files.
std::optional<std::uint64_t> segment_seq(const std::string& name) {
  if (name.size() != 28 || !name.starts_with("wal-") || !name.ends_with(".log")) return std::nullopt;
  std::uint64_t seq = 0;
  for (std::size_t i = 4; i < 24; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return seq;
}

std::uint64_t file_size(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_io_error("cannot read the write-ahead log", "fstat", path, errno);
  return static_cast<std::uint64_t>(st.st_size);
}

// Reads a file front to back, keeping the unparsed rest in one buffer.
class buffered_file {
 public:
  buffered_file(const std::string& path)
      : path_(path), fd_(open_or_fail("cannot read the write-ahead log", path, O_RDONLY)), file_bytes_(file_size(fd_.get(), path)) {}

  std::span<const std::uint8_t> bytes() const { return {buf_.data() + begin_, end_ - begin_}; }
  void consume(std::size_t n) {
    begin_ += n;
    offset_ += n;
  }
  std::uint64_t offset() const { return offset_; }  // of bytes()[0] in the file
  // Whether the file holds only zeros from bytes() on (the padding after the last record); consumes them.
  bool rest_is_zero() {
    do {
      if (!all_zero(bytes())) return false;
      consume(bytes().size());
    } while (fill(read_bytes));
    return true;
  }
  // Reads more, at least `want` bytes in all when the file has them; false at the end of the file.
  bool fill(std::size_t want) {
    if (begin_ != 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    // A torn or corrupt length may ask for more than the file holds: never buffer beyond its end.
    want = std::min<std::uint64_t>(want, file_bytes_ - offset_);
    buf_.resize(std::max({buf_.size(), want, read_bytes}));
    bool more = false;
    while (end_ < buf_.size()) {
      const ssize_t n = ::read(fd_.get(), buf_.data() + end_, buf_.size() - end_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_io_error("cannot read the write-ahead log", "read", path_, errno);
      if (n == 0) break;
      end_ += static_cast<std::size_t>(n);
      more = true;
      if (end_ >= want) break;
    }
    return more;
  }

 private:
  std::string path_;
  unique_fd fd_;
  std::vector<std::uint8_t> buf_;
  std::uint64_t file_bytes_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t offset_ = 0;
};

// The segment header of a file (after its magic); nullopt when the file is too short or invalid.
std::optional<segment_header> read_header(const std::string& path) {
  buffered_file f(path);
  f.fill(magic_bytes + record_header_bytes + 24 + record_trailer_bytes);
  auto b = f.bytes();
  if (b.size() < magic_bytes) return std::nullopt;
  // Another format version (the magic's last digit before "\n"): its records must not be cut as torn.
  constexpr std::size_t version_at = magic_bytes - 2;
  if (std::memcmp(b.data(), segment_magic, version_at) == 0 && b[version_at] != static_cast<std::uint8_t>(segment_magic[version_at]) &&
      b[magic_bytes - 1] == '\n')
    throw std::runtime_error(fmt::format("the write-ahead log segment {} has format {}, this wcstream writes {}: replay it with the "
                                         "wcstream that wrote it, or remove it to start without it",
                                         path, std::string_view(reinterpret_cast<const char*>(b.data()), version_at + 1),
                                         std::string_view(segment_magic, version_at + 1)));
  if (std::memcmp(b.data(), segment_magic, magic_bytes) != 0) return std::nullopt;
  f.consume(magic_bytes);
  for (;;) {
    const parse_result r = parse_record(f.bytes());
    if (r.status == parse_status::incomplete && f.fill(f.bytes().size() + read_bytes)) continue;
    segment_header h;
    std::span<const std::uint8_t> carried;
    if (r.status != parse_status::ok || r.rec.what != kind::segment || !decode_segment(r.rec.payload, h, carried)) return std::nullopt;
    return h;
  }
}

}  // namespace

write_ahead_log::write_ahead_log(std::string dir, std::int64_t interval_ms)
    : dir_(std::move(dir)), interval_ms_(interval_ms),
      stage_(static_cast<std::uint8_t*>(std::aligned_alloc(block_bytes, stage_bytes))),
      covered_ms_(std::numeric_limits<std::int64_t>::min()), newest_ms_(std::numeric_limits<std::int64_t>::min()) {
  if (!stage_) throw std::bad_alloc();
  const std::string what = fmt::format("write-ahead log {}", dir_);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", what, ec.message()));
  unique_fd lock = open_or_fail(what, dir_ + "/.lock", O_RDWR | O_CREAT, 0644);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) throw std::runtime_error(fmt::format("{} is in use by another wcstream", what));
    throw_io_error(what, "lock", dir_ + "/.lock", errno);
  }
  lock_fd_ = lock.release();
  std::vector<std::pair<std::uint64_t, std::string>> found;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (const auto seq = segment_seq(entry.path().filename().string())) found.emplace_back(*seq, entry.path().string());
  }
  if (ec) throw std::runtime_error(fmt::format("cannot list {}: {}", what, ec.message()));
  std::sort(found.begin(), found.end());
  for (std::size_t i = 0; i < found.size(); ++i) {
    const auto& [seq, path] = found[i];
    const std::optional<segment_header> h = read_header(path);
    if (!h) {
      // Only the newest segment can be torn at its start after a crash (the kernel holds every write);
      // an older one is corrupt or lost its unsynced start in a power loss, and what follows it cannot
      // be replayed in order.
      spdlog::warn("write-ahead log segment {} has no valid header: removed{}", path,
                   i + 1 < found.size() ? fmt::format(" with the {} newer segments", found.size() - i - 1) : "");
      for (std::size_t j = i; j < found.size(); ++j) ::unlink(found[j].second.c_str());
      break;
    }
    if (h->interval_ms != interval_ms_)
      throw std::runtime_error(fmt::format("the write-ahead log in {} was made with batch {} ms; this run asks for batch {} ms: run "
                                           "with the same parameters or another --checkpoint directory",
                                           dir_, h->interval_ms, interval_ms_));
    segments_.push_back({seq, path, *h});
  }
}

write_ahead_log::~write_ahead_log() {
  if (syncer_.joinable()) {
    {
      std::lock_guard lock(sync_mutex_);
      stopping_ = true;
    }
    sync_cv_.notify_all();
    syncer_.join();
    spdlog::info("write-ahead log: {:.2f} MB in {} writes; its sync thread {:.1f} ms CPU", written_bytes_ / 1e6, writes_, 1e3 * sync_cpu_s_);
  }
  if (out_.fd >= 0) left_.push_back({out_.fd, out_.path, out_bytes_});
  for (const open_file& f : left_) {
    // A clean close drops the preallocated tail (a crash leaves it: replay ends at its zeros).
    if (::ftruncate(f.fd, static_cast<off_t>(f.bytes)) != 0)
      spdlog::warn("cannot cut the write-ahead log {} to its records: {}", f.path, std::strerror(errno));
    ::close(f.fd);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<std::int64_t> write_ahead_log::first_batch_ms() const {
  if (segments_.empty()) return std::nullopt;
  return segments_.front().header.first_batch_ms;
}

void write_ahead_log::replay(replay_visitor& v) {
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    buffered_file f(segments_[i].path);
    f.fill(magic_bytes);
    f.consume(magic_bytes);  // checked with the header
    bool at_start = true;
    for (;;) {
      // Zeros where a record would start: the padding of the last block written, or space preallocated.
      if (f.bytes().size() >= record_header_bytes && all_zero(f.bytes().first(record_header_bytes))) {
        const std::uint64_t end = f.offset();
        if (f.rest_is_zero()) break;
        cut(i, end, "bytes after the zero padding");
        return;
      }
      const parse_result r = parse_record(f.bytes());
      if (r.status == parse_status::incomplete) {
        const std::size_t have = f.bytes().size();
        // A record's length is known once its header is in: read at least all of it.
        std::size_t want = have + read_bytes;
        if (have >= record_header_bytes) {
          std::uint32_t size = 0;
          std::memcpy(&size, f.bytes().data(), sizeof size);
          want = std::max<std::size_t>(want, record_header_bytes + size + record_trailer_bytes);
        }
        if (f.fill(want)) continue;
        if (all_zero(f.bytes())) break;  // the end of the segment (or of its padding)
        cut(i, f.offset(), fmt::format("a torn record ({} bytes)", have));
        return;
      }
      if (r.status == parse_status::corrupt) {
        cut(i, f.offset(), r.why);
        return;
      }
      const record& rec = r.rec;
      std::int64_t batch_ms = 0;
      segment_header h;
      std::span<const std::uint8_t> carried;
      if (at_start != (rec.what == kind::segment)) {
        cut(i, f.offset(), at_start ? "no segment record first" : "a segment record inside a segment");
        return;
      }
      switch (rec.what) {
        case kind::segment:
          if (!decode_segment(rec.payload, h, carried)) {
            cut(i, f.offset(), "an invalid segment record");
            return;
          }
          v.on_segment(h, carried, i == 0);
          break;
        case kind::data:
          v.on_data(rec.payload);
          break;
        case kind::connection_end:
          v.on_connection_end();
          break;
        case kind::batch_end:
          if (!decode_batch_end(rec.payload, batch_ms)) {
            cut(i, f.offset(), "an invalid batch end");
            return;
          }
          v.on_batch_end(batch_ms);
          break;
        case kind::padding:
          break;
      }
      at_start = false;
      f.consume(r.bytes);
    }
  }
}

void write_ahead_log::cut(std::size_t index, std::uint64_t offset, const std::string& why) {
  const std::string& path = segments_[index].path;
  const std::string what = fmt::format("cannot cut the write-ahead log {}", path);
  const auto size = fs::file_size(path);
  spdlog::warn("write-ahead log {}: {} at byte {}: cut there ({} bytes dropped{}); every record before it was replayed", path,
               why, offset, size - offset,
               index + 1 < segments_.size() ? fmt::format(", and the {} newer segments", segments_.size() - index - 1) : "");
  unique_fd fd = open_or_fail(what, path, O_WRONLY);
  if (::ftruncate(fd.get(), static_cast<off_t>(offset)) != 0) throw_io_error(what, "truncate", path, errno);
  sync_and_close(what, fd, path);
  for (std::size_t j = index + 1; j < segments_.size(); ++j) ::unlink(segments_[j].path.c_str());
  segments_.resize(index + 1);
  sync_dir(what, dir_);
}

void write_ahead_log::start(std::int64_t first_batch_ms) {
  open_segment(first_batch_ms, segments_.empty() ? 0u : std::uint32_t{restart}, {});
  syncer_ = std::thread([this] { sync_loop(); });
}

void write_ahead_log::sync_loop() {
  std::string written_path;        // the segment the last sync_file_range wrote
  std::uint64_t written_from = 0;  // where the next one starts
  std::unique_lock lock(sync_mutex_);
  for (;;) {
    sync_cv_.wait(lock, [&] { return sync_wanted_ || write_to_ > write_from_ || stopping_; });
    if (!sync_wanted_ && stopping_) {
      sync_cpu_s_ = thread_cpu_seconds();
      return;
    }
    const bool sync = std::exchange(sync_wanted_, false);
    const open_file out = synced_;
    std::vector<open_file> left = sync ? std::exchange(left_, {}) : std::vector<open_file>{};
    const bool dir_changed = sync && std::exchange(dir_changed_, false);
    const std::uint64_t to = write_from_ = write_to_;
    lock.unlock();
    std::string error;
    if (out.path != written_path) {
      written_path = out.path;
      written_from = 0;
    }
    if (!sync) {
      // Only starts writing the pages (no wait for the disk, no metadata): the next fdatasync finds
      // them written or under way.
      if (to > written_from && ::sync_file_range(out.fd, static_cast<off_t>(written_from), static_cast<off_t>(to - written_from),
                                                SYNC_FILE_RANGE_WRITE) == 0) {
        written_from = to;
      }
    } else {
      // Segments left behind first: replay cuts at the first torn one, so a newer one must not be
      // durable before them.
      for (const open_file& f : left) {
        if (::ftruncate(f.fd, static_cast<off_t>(f.bytes)) != 0 && error.empty())
          error = fmt::format("truncate {}: {}", f.path, std::strerror(errno));
        if (::fdatasync(f.fd) != 0 && error.empty()) error = fmt::format("fdatasync {}: {}", f.path, std::strerror(errno));
        ::close(f.fd);
      }
      if (::fdatasync(out.fd) != 0 && error.empty()) error = fmt::format("fdatasync {}: {}", out.path, std::strerror(errno));
      if (dir_changed && error.empty()) {
        try {
          sync_dir("cannot write the write-ahead log", dir_);
        } catch (const std::exception& e) {
          error = e.what();
        }
      }
    }
    lock.lock();
    if (!error.empty() && sync_error_.empty()) {
      sync_error_ = error.starts_with("cannot") ? error : "cannot write the write-ahead log: " + error;
    }
  }
}

void write_ahead_log::open_segment(std::int64_t first_batch_ms, std::uint32_t flags, std::span<const std::uint8_t> carried) {
  const std::uint64_t seq = segments_.empty() ? 1 : segments_.back().seq + 1;
  const segment s{seq, dir_ + "/" + segment_name(seq), {first_batch_ms, interval_ms_, flags}};
  const std::string what = fmt::format("cannot write the write-ahead log {}", s.path);
  constexpr int open_flags = O_WRONLY | O_CREAT | O_EXCL;
  int fd = direct_ ? ::open(s.path.c_str(), open_flags | O_DIRECT | O_CLOEXEC, 0644) : -1;
  if (direct_ && fd < 0 && errno == EINVAL) {
    direct_ = false;
    spdlog::warn("the file system of {} refuses O_DIRECT: the write-ahead log goes through the page cache", dir_);
  }
  if (fd < 0) fd = open_or_fail(what, s.path, open_flags, 0644).release();
  {
    // The sync thread makes the segment left behind, this one and its directory entry durable at the
    // next batch end; until then a power loss may tear them, and replay cuts there.
    std::lock_guard lock(sync_mutex_);
    if (out_.fd >= 0) left_.push_back({out_.fd, out_.path, out_bytes_});
    synced_ = {fd, s.path};
    write_from_ = write_to_ = 0;
    dir_changed_ = true;
  }
  out_ = {fd, s.path};
  out_bytes_ = kicked_ = 0;
  staged_ = 0;
  stage_at_ = allocated_ = 0;
  segments_.push_back(s);
  stage({reinterpret_cast<const std::uint8_t*>(segment_magic), magic_bytes});
  const std::string payload = segment_payload(s.header, carried);
  write_record(kind::segment, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
}

void write_ahead_log::write_record(kind k, std::span<const std::uint8_t> payload) {
  stage_record(k, payload);
  write_staged();
}

void write_ahead_log::stage_record(kind k, std::span<const std::uint8_t> payload) { stage_record(frame_record(k, payload), payload); }

void write_ahead_log::stage_record(const record_frame& f, std::span<const std::uint8_t> payload) {
  stage(f.header);
  stage(payload);
  stage(f.trailer);
}

void write_ahead_log::flush() {
  log_held();
  if (stage_at_ + staged_ != out_bytes_) write_staged();
}

void write_ahead_log::stage(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), stage_bytes - staged_);
    std::memcpy(stage_.get() + staged_, bytes.data(), n);
    staged_ += n;
    bytes = bytes.subspan(n);
    if (staged_ == stage_bytes) {
      write_at({part(stage_.get(), stage_bytes)}, stage_at_);
      stage_at_ += stage_bytes;
      staged_ = 0;
    }
  }
}

std::size_t write_ahead_log::pad_staged() {
  const std::size_t padded = round_up(staged_, block_bytes);
  std::memset(stage_.get() + staged_, 0, padded - staged_);
  return padded;
}

void write_ahead_log::keep_last_block(std::uint64_t written_to) {
  const std::size_t whole = staged_ / block_bytes * block_bytes;
  if (whole != 0) {
    std::memcpy(stage_.get(), stage_.get() + whole, staged_ - whole);
    staged_ -= whole;
  }
  out_bytes_ = written_to;
  stage_at_ = written_to - staged_;
}

void write_ahead_log::write_staged() {
  if (staged_ != 0) write_at({part(stage_.get(), pad_staged())}, stage_at_);
  keep_last_block(stage_at_ + staged_);
}

void write_ahead_log::log_held() {
  if (held_.empty()) return;
  const record_frame f = frame_record(kind::data, held_.size(), held_hash_.hash());
  // A few blocks are not worth a padding record and a gathered write: they are copied.
  if (held_.size() < 4 * block_bytes) {
    stage_record(f, held_);
  } else {
    write_in_place(f, held_);
  }
  held_ = {};
}

void write_ahead_log::write_in_place(const record_frame& f, std::span<const std::uint8_t> payload) {
  if (staged_ > stage_bytes / 2) write_staged();  // room for the head and tail staged below
  // O_DIRECT writes whole blocks from block-aligned memory: the payload's file offset must equal its
  // address modulo a block, which a padding record before it arranges.
  const auto address = reinterpret_cast<std::uintptr_t>(payload.data());
  std::size_t gap = (address - (stage_at_ + staged_ + record_header_bytes)) % block_bytes;
  if (gap != 0) {
    constexpr std::size_t frame_bytes = record_header_bytes + record_trailer_bytes;
    static constexpr std::array<std::uint8_t, block_bytes> zeros{};
    if (gap < frame_bytes) gap += block_bytes;
    stage_record(kind::padding, std::span(zeros).first(gap - frame_bytes));
  }
  stage(f.header);
  // The payload's bytes before its first block boundary, and after its last, are copied; the whole
  // blocks between are written from where they are.
  const std::size_t head = std::min(payload.size(), (block_bytes - address % block_bytes) % block_bytes);
  const std::size_t whole = (payload.size() - head) / block_bytes * block_bytes;
  stage(payload.first(head));
  const std::size_t before = staged_;  // a block boundary
  stage(payload.subspan(head + whole));
  stage(f.trailer);
  const std::size_t padded = pad_staged();
  const std::uint64_t at = stage_at_;
  write_at({part(stage_.get(), before), part(payload.data() + head, whole), part(stage_.get() + before, padded - before)}, at);
  // The staged tail now follows the middle blocks in the file.
  std::memmove(stage_.get(), stage_.get() + before, staged_ - before);
  staged_ -= before;
  keep_last_block(at + before + whole + staged_);
}

void write_ahead_log::write_at(std::initializer_list<iovec> parts_in, std::uint64_t at) {
  // Empty parts dropped: a pwritev of only those would write nothing, forever.
  std::vector<iovec> parts;
  parts.reserve(parts_in.size());
  std::uint64_t end = at;
  for (const iovec& v : parts_in) {
    if (v.iov_len == 0) continue;
    parts.push_back(v);
    end += v.iov_len;
  }
  std::size_t first = 0;
  const std::size_t count = parts.size();
  const std::string what = "cannot write the write-ahead log";
  if (end > allocated_) {
    const std::uint64_t to = round_up(end, preallocate_bytes);
    // Best effort: where it is not supported, or the disk (or RLIMIT_FSIZE) has less room left, the
    // writes allocate, and fail only when the bytes themselves do not fit.
    const bool done = ::fallocate(out_.fd, 0, static_cast<off_t>(allocated_), static_cast<off_t>(to - allocated_)) == 0;
    allocated_ = done ? to : std::numeric_limits<std::uint64_t>::max();
  }
  while (first < count) {
    const ssize_t n = ::pwritev(out_.fd, parts.data() + first, static_cast<int>(count - first), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && direct_) {
      // Opened with O_DIRECT but refused at the write: the page cache takes the same blocks.
      direct_ = false;
      spdlog::warn("the file system of {} refuses O_DIRECT writes: the write-ahead log goes through the page cache", dir_);
      if (::fcntl(out_.fd, F_SETFL, ::fcntl(out_.fd, F_GETFL) & ~O_DIRECT) != 0) throw_io_error(what, "fcntl", out_.path, errno);
      continue;
    }
    if (n < 0) throw_io_error(what, "write", out_.path, errno);
    ++writes_;
    written_bytes_ += static_cast<std::uint64_t>(n);
    at += static_cast<std::uint64_t>(n);
    for (auto left = static_cast<std::size_t>(n); left != 0;) {
      const std::size_t step = std::min(left, parts[first].iov_len);
      parts[first].iov_base = static_cast<std::uint8_t*>(parts[first].iov_base) + step;
      parts[first].iov_len -= step;
      left -= step;
      if (parts[first].iov_len == 0) ++first;
    }
  }
}

void write_ahead_log::append_data(std::span<const std::uint8_t> bytes) {
  // Reads land one after another in the receiver's buffer: held together, they make one record.
  if (!held_.empty() && bytes.data() != held_.data() + held_.size()) log_held();
  if (held_.empty()) held_hash_.reset();
  held_hash_.add(bytes);  // while the bytes are in cache
  held_ = held_.empty() ? bytes : std::span(held_.data(), held_.size() + bytes.size());
  if (held_.size() + (stage_at_ + staged_ - out_bytes_) >= hold_bytes) flush();
  if (!direct_ && out_bytes_ - kicked_ >= writeback_bytes) {
    kicked_ = out_bytes_;
    {
      std::lock_guard lock(sync_mutex_);
      write_to_ = kicked_;
    }
    sync_cv_.notify_all();
  }
}

void write_ahead_log::append_connection_end() {
  log_held();
  stage_record(kind::connection_end, {});
}

void write_ahead_log::append_batch_end(std::int64_t batch_ms, std::span<const std::uint8_t> carried, bool after_cr_at_cut) {
  log_held();
  write_record(kind::batch_end, {reinterpret_cast<const std::uint8_t*>(&batch_ms), sizeof batch_ms});
  {
    // One sync covers every batch end before it: a disk slower than the stream syncs continuously.
    std::lock_guard lock(sync_mutex_);
    if (!sync_error_.empty()) throw std::runtime_error(sync_error_);
    sync_wanted_ = true;
    write_from_ = write_to_ = kicked_ = out_bytes_;  // the fdatasync writes the rest
  }
  sync_cv_.notify_all();
  trim();
  if (covered_ms_.load() >= segments_.back().header.first_batch_ms) {
    open_segment(batch_ms + interval_ms_, after_cr_at_cut ? std::uint32_t{after_cr} : 0u, carried);
  }
}

void write_ahead_log::trim() {
  // A segment is done when a checkpoint holds the batch its last byte belongs to: the batch before its
  // successor's first (whose carried bytes repeat the open line), or after a restart the successor's
  // first itself (the lines logged before the crash after its last batch end join that batch).
  const std::int64_t covered = covered_ms_.load();
  std::size_t done = 0;
  while (done + 1 < segments_.size()) {
    const segment_header& next = segments_[done + 1].header;
    const std::int64_t last = next.first_batch_ms - ((next.flags & restart) != 0 ? 0 : interval_ms_);
    if (last > covered) break;
    ++done;
  }
  for (std::size_t i = 0; i < done; ++i) {
    if (::unlink(segments_[i].path.c_str()) != 0)
      spdlog::warn("cannot remove write-ahead log segment {}: {}", segments_[i].path, std::strerror(errno));
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(done));
}

}  // namespace wcs::wal
