#include "host/checkpoint/checkpoint_format.hpp"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>


namespace wcs {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints are written in the host's byte order");

constexpr std::string_view magic{"wcsckpt\n", 8};
constexpr std::size_t header_bytes = 24;
constexpr std::size_t trailer_bytes = 8;
const std::uint32_t stateful_bit = mode_set::bit(mode::stateful);
const std::uint32_t window_bit = mode_set::bit(mode::window);

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

void put_batch(writer& w, const batch_table& batch) {
  const host_entries& b = batch.host();  // a retained batch in device memory is copied back once
  w.put<std::int64_t>(batch.batch_ms);
  w.put<std::uint64_t>(b.size());
  w.put_array(b.ids.data(), b.size());
  w.put_array(b.counts.data(), b.size());
}

batch_table get_batch(reader& r, std::size_t dictionary_size) {
  batch_table batch;
  batch.batch_ms = r.get<std::int64_t>();
  host_entries& b = batch.edit_host();
  const auto n = r.get<std::uint64_t>();
  r.get_array(b.ids, n);
  r.get_array(b.counts, n);
  for (const std::uint32_t id : b.ids) {
    if (id >= dictionary_size) throw checkpoint_error("a retained batch holds an id outside the dictionary");
  }
  return batch;
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

}  // namespace

checkpoint_params checkpoint_params_of(const stream_spec& spec) {
  checkpoint_params p;
  p.batch_ms = spec.batch_ms;
  p.modes = spec.modes.bits();
  if (spec.modes.has(mode::window)) {
    p.window_ms = spec.window_ms;
    p.slide_ms = spec.slide_ms;
    p.inverse = spec.inverse;
    p.keep_zero = spec.keep_zero;
  }
  return p;
}

std::string describe(const checkpoint_params& p) {
  std::vector<std::string_view> modes;
  for (const mode m : {mode::stateless, mode::stateful, mode::window}) {
    if ((p.modes & mode_set::bit(m)) != 0) modes.push_back(mode_name(m));
  }
  std::string s = fmt::format("batch {} ms, modes {}", p.batch_ms, fmt::join(modes, ","));
  if ((p.modes & window_bit) != 0) {
    s += fmt::format(", window {} ms, slide {} ms, {}{}", p.window_ms, p.slide_ms, p.inverse ? "inverse" : "no-inverse",
                     p.keep_zero ? ", keep-zero" : "");
  }
  return s;
}

std::string encode_checkpoint(const checkpoint_meta& meta, const dictionary& words, const checkpoint_tables& tables) {
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
  if ((meta.params.modes & stateful_bit) != 0) put_table(w, *tables.totals, words.size());
  if ((meta.params.modes & window_bit) != 0) {
    put_table(w, *tables.sums, words.size());
    w.put<std::uint64_t>(tables.retained->size());
    for (const batch_table& b : *tables.retained) put_batch(w, b);
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


}  // namespace wcs
