#include "host/engine/checkpoint.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "host/common/durable_file.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"

namespace wcs {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints are written in the host's byte order");

namespace fs = std::filesystem;

constexpr std::string_view magic{"wcsckpt\n", 8};
constexpr std::size_t header_bytes = 24;
constexpr std::size_t trailer_bytes = 8;
constexpr std::string_view mode_names[] = {"stateless", "stateful", "window"};
constexpr std::uint32_t stateful_bit = 1u << 1;
constexpr std::uint32_t window_bit = 1u << 2;

class writer {
 public:
  explicit writer(std::string& out) : out_(out) {}
  template <class T>
  void put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void put_array(const T* data, std::size_t n) {
    if (n != 0) out_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
  }

 private:
  std::string& out_;
};

// Bounds-checked: a file that passed the checksum but lies about a length still cannot be over-read.
class reader {
 public:
  explicit reader(std::string_view data) : data_(data) {}
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(1, sizeof v), sizeof v);
    return v;
  }
  template <class T>
  void get_array(std::vector<T>& out, std::uint64_t n) {
    const char* p = take(n, sizeof(T));
    out.resize(n);
    if (n != 0) std::memcpy(out.data(), p, n * sizeof(T));
  }
  std::string_view bytes(std::uint64_t n) { return {take(n, 1), n}; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  const char* take(std::uint64_t n, std::size_t size) {
    if (n > (data_.size() - pos_) / size) throw checkpoint_error("a length points past the end of the file");
    const char* p = data_.data() + pos_;
    pos_ += n * size;
    return p;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

void put_table(writer& w, const count_table& table, std::size_t dictionary_size) {
  table_image image;
  table.download(image.counts, image.touched);
  // Entries past the dictionary are growth room, always empty.
  const std::size_t n = std::min(image.counts.size(), dictionary_size);
  w.put<std::uint64_t>(n);
  w.put_array(image.counts.data(), n);
  w.put_array(image.touched.data(), n);
}

table_image get_table(reader& r, std::size_t dictionary_size) {
  table_image image;
  const auto n = r.get<std::uint64_t>();
  if (n > dictionary_size) throw checkpoint_error("a count table is larger than the dictionary");
  r.get_array(image.counts, n);
  r.get_array(image.touched, n);
  return image;
}

void put_batch(writer& w, const batch_table& b) {
  w.put<std::int64_t>(b.batch_ms);
  w.put<std::uint64_t>(b.size());
  w.put_array(b.ids.data(), b.size());
  w.put_array(b.counts.data(), b.size());
}

batch_table get_batch(reader& r, std::size_t dictionary_size) {
  batch_table b;
  b.batch_ms = r.get<std::int64_t>();
  const auto n = r.get<std::uint64_t>();
  r.get_array(b.ids, n);
  r.get_array(b.counts, n);
  for (const std::uint32_t id : b.ids) {
    if (id >= dictionary_size) throw checkpoint_error("a retained batch holds an id outside the dictionary");
  }
  return b;
}

void put_params(writer& w, const checkpoint_params& p) {
  w.put(p.batch_ms);
  w.put(p.modes);
  w.put(p.window_ms);
  w.put(p.slide_ms);
  w.put<std::uint8_t>(p.inverse);
  w.put<std::uint8_t>(p.keep_zero);
}

checkpoint_params get_params(reader& r) {
  checkpoint_params p;
  p.batch_ms = r.get<std::int64_t>();
  p.modes = r.get<std::uint32_t>();
  p.window_ms = r.get<std::int64_t>();
  p.slide_ms = r.get<std::int64_t>();
  p.inverse = r.get<std::uint8_t>() != 0;
  p.keep_zero = r.get<std::uint8_t>() != 0;
  if (p.batch_ms <= 0) throw checkpoint_error("a batch interval that is not positive");
  if ((p.modes & window_bit) != 0 && (p.window_ms <= 0 || p.slide_ms <= 0 || p.window_ms % p.batch_ms != 0))
    throw checkpoint_error("invalid window parameters");
  return p;
}

// ---- files ----

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

checkpoint_params checkpoint_params_of(const options& o) {
  checkpoint_params p;
  p.batch_ms = o.batch_ms;
  for (std::size_t i = 0; i < std::size(mode_names); ++i) {
    if (o.has_mode(std::string(mode_names[i]))) p.modes |= 1u << i;
  }
  if (o.has_mode("window")) {
    p.window_ms = o.window_ms;
    p.slide_ms = o.slide_ms;
    p.inverse = !o.no_inverse;
    p.keep_zero = o.keep_zero;
  }
  return p;
}

std::string describe(const checkpoint_params& p) {
  std::vector<std::string_view> modes;
  for (std::size_t i = 0; i < std::size(mode_names); ++i) {
    if ((p.modes & (1u << i)) != 0) modes.push_back(mode_names[i]);
  }
  std::string s = fmt::format("batch {} ms, modes {}", p.batch_ms, fmt::join(modes, ","));
  if ((p.modes & window_bit) != 0) {
    s += fmt::format(", window {} ms, slide {} ms, {}{}", p.window_ms, p.slide_ms, p.inverse ? "inverse" : "no-inverse",
                     p.keep_zero ? ", keep-zero" : "");
  }
  return s;
}

std::int64_t default_checkpoint_interval_ms(std::int64_t batch_ms) {
  constexpr std::int64_t ten_s = 10000;
  return (ten_s + batch_ms - 1) / batch_ms * batch_ms;
}

std::string encode_checkpoint(const checkpoint_meta& meta, const dictionary& words, const state_view* state,
                              const window_view* window) {
  std::string out;
  out.reserve(header_bytes + words.arena_bytes() + words.size() * 24 + 4096);
  writer w(out);
  out.append(magic);
  w.put(checkpoint_version);
  w.put<std::uint32_t>(0);
  w.put<std::uint64_t>(0);  // payload bytes, set below

  put_params(w, meta.params);
  w.put(meta.zero_ms);
  w.put(meta.last_batch_ms);
  w.put<std::uint64_t>(words.size());
  w.put<std::uint64_t>(words.arena_bytes());
  for (std::size_t id = 0; id < words.size(); ++id) {
    w.put(static_cast<std::uint32_t>(words.word(static_cast<dictionary::id_type>(id)).size()));
  }
  for (std::size_t id = 0; id < words.size(); ++id) out.append(words.word(static_cast<dictionary::id_type>(id)));
  if ((meta.params.modes & stateful_bit) != 0) put_table(w, state->totals(), words.size());
  if ((meta.params.modes & window_bit) != 0) {
    put_table(w, window->sums(), words.size());
    w.put<std::uint64_t>(window->retained().size());
    for (const batch_table& b : window->retained()) put_batch(w, b);
  }

  const std::uint64_t payload = out.size() - header_bytes;
  std::memcpy(out.data() + 16, &payload, sizeof payload);
  w.put<std::uint64_t>(XXH3_64bits(out.data(), out.size()));
  return out;
}

checkpoint_state decode_checkpoint(std::string_view bytes) {
  if (bytes.size() < header_bytes + trailer_bytes)
    throw checkpoint_error(fmt::format("truncated: {} bytes", bytes.size()));
  reader header(bytes.substr(0, header_bytes));
  if (header.bytes(magic.size()) != magic) throw checkpoint_error("not a wcstream checkpoint");
  const auto version = header.get<std::uint32_t>();
  if (version != checkpoint_version)
    throw checkpoint_error(fmt::format("format version {} (this build reads version {})", version, checkpoint_version));
  header.get<std::uint32_t>();
  const auto payload = header.get<std::uint64_t>();
  if (payload != bytes.size() - header_bytes - trailer_bytes)
    throw checkpoint_error(fmt::format("truncated: {} bytes of {}", bytes.size(), payload + header_bytes + trailer_bytes));
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - trailer_bytes, sizeof stored);
  if (XXH3_64bits(bytes.data(), bytes.size() - trailer_bytes) != stored) throw checkpoint_error("checksum mismatch");

  checkpoint_state s;
  reader r(bytes.substr(header_bytes, payload));
  s.meta.params = get_params(r);
  s.meta.zero_ms = r.get<std::int64_t>();
  s.meta.last_batch_ms = r.get<std::int64_t>();
  const auto n_words = r.get<std::uint64_t>();
  const auto arena = r.get<std::uint64_t>();
  std::vector<std::uint32_t> lengths;
  r.get_array(lengths, n_words);
  std::uint64_t total = 0;
  for (const std::uint32_t len : lengths) total += len;
  if (total != arena) throw checkpoint_error("word lengths do not add up to the dictionary size");
  for (std::size_t id = 0; id < lengths.size(); ++id) {
    if (s.words.intern(r.bytes(lengths[id])) != id) throw checkpoint_error("a word appears twice in the dictionary");
  }
  if ((s.meta.params.modes & stateful_bit) != 0) s.totals = get_table(r, s.words.size());
  if ((s.meta.params.modes & window_bit) != 0) {
    s.sums = get_table(r, s.words.size());
    const auto n = r.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(s.meta.params.window_ms / s.meta.params.batch_ms))
      throw checkpoint_error("more retained batches than a window holds");
    for (std::uint64_t i = 0; i < n; ++i) s.retained.push_back(get_batch(r, s.words.size()));
  }
  if (!r.at_end()) throw checkpoint_error("unexpected bytes after the content");
  return s;
}

void restore_views(checkpoint_state& s, state_view* state, window_view* window) {
  if (state != nullptr) state->totals().upload(s.totals.counts, s.totals.touched);
  if (window != nullptr) window->restore(s.sums.counts, s.sums.touched, std::move(s.retained));
}

// ---- checkpoint_store ----

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

// ---- checkpointer ----

checkpointer::checkpointer(checkpoint_store store, checkpoint_params params, std::int64_t zero_ms,
                           std::int64_t every_ms, const state_view* state, const window_view* window)
    : store_(std::move(store)), meta_{params, zero_ms, zero_ms}, every_ms_(every_ms), state_(state), window_(window) {}

void checkpointer::batch_done(std::int64_t batch_ms, const dictionary& words) {
  meta_.last_batch_ms = batch_ms;
  pending_ = true;
  if ((batch_ms - meta_.zero_ms) % every_ms_ == 0) write(words);
}

void checkpointer::stream_done(const dictionary& words) {
  if (pending_) write(words);
}

void checkpointer::write(const dictionary& words) {
  store_.write(meta_.last_batch_ms, encode_checkpoint(meta_, words, state_, window_));
  pending_ = false;
  ++written_;
  spdlog::debug("checkpoint of batch {} written to {}", meta_.last_batch_ms, store_.dir());
}

}  // namespace wcs
