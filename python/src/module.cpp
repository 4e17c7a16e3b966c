// The `wcstream._wcstream` extension: the engine's backends (tokenize + reduceByKey, CPU or CUDA) and
// its dictionary behind a Python word counter. Everything Pythonic (count_words, Spark) is in the
// pure-Python files beside it.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <spdlog/spdlog.h>
#include <tbb/task_arena.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/tables/batch_table.hpp"
#include "host/tables/dictionary.hpp"
#include "kernels/tokenize/python_space.hpp"

namespace nb = nanobind;

namespace wcs::python {
namespace {

using bytes_span = std::span<const std::uint8_t>;

backend_kind parse_backend(const std::string& name) {
  if (name == "auto") return backend_kind::automatic;
  if (name == "cpu") return backend_kind::cpu;
  if (name == "cuda") return backend_kind::cuda;
  throw nb::value_error(("wcstream: backend must be 'auto', 'cpu' or 'cuda', not '" + name + "'").c_str());
}

bool is_line_end(std::uint8_t b) { return b == '\n' || b == '\r'; }

// A read-only view of a bytes-like object (bytes, bytearray, memoryview, ...), held while the GIL is
// released: a bytearray cannot be resized while the view exists.
class byte_view {
 public:
  explicit byte_view(nb::handle obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) throw nb::python_error();
  }
  byte_view(const byte_view&) = delete;
  byte_view& operator=(const byte_view&) = delete;
  ~byte_view() { PyBuffer_Release(&view_); }
  bytes_span bytes() const { return {static_cast<const std::uint8_t*>(view_.buf), static_cast<std::size_t>(view_.len)}; }

 private:
  Py_buffer view_{};
};

// The UTF-8 bytes of a str (CPython caches them; ASCII strs are their own UTF-8). A lone surrogate
// has no UTF-8 form: Python's UnicodeEncodeError says where it is.
bytes_span utf8_of(nb::handle str) {
  Py_ssize_t size = 0;
  const char* p = PyUnicode_AsUTF8AndSize(str.ptr(), &size);
  if (p == nullptr) throw nb::python_error();
  return {reinterpret_cast<const std::uint8_t*>(p), static_cast<std::size_t>(size)};
}

// Counts a stream of text fed in pieces. The backend takes whole lines, so the bytes after the last
// line end wait for the next piece (or for counts(), where an unterminated last line is complete, as
// when a connection closes). Totals are kept by dictionary id across the backend's batches.
class word_counter {
 public:
  word_counter(const std::string& backend, std::optional<int> threads)
      : backend_(make(backend)), arena_(arena_threads(threads)) {}

  std::string backend_name() const { return std::string(backend_->name()); }

  void add(nb::handle data) {
    const auto lock = claim();
    if (PyUnicode_Check(data.ptr())) {
      const bytes_span text = utf8_of(data);
      nb::gil_scoped_release release;
      add_stream(text);
    } else if (PyObject_CheckBuffer(data.ptr())) {
      const byte_view view(data);
      nb::gil_scoped_release release;
      add_stream(view.bytes());
    } else {
      throw nb::type_error(("wcstream: add() takes str or a bytes-like object, not " + type_name(data)).c_str());
    }
  }

  // Each line (str or bytes) is followed by a line end. Lines are gathered into chunks of a few MiB,
  // and each chunk is counted with the GIL released.
  void add_lines(nb::handle lines) {
    const auto lock = claim();
    std::vector<std::uint8_t>& chunk = pending_;
    for (nb::handle line : nb::iter(lines)) {  // TypeError from Python when `lines` is not iterable
      bytes_span text;
      std::optional<byte_view> view;
      if (PyUnicode_Check(line.ptr())) {
        text = utf8_of(line);
      } else if (PyBytes_Check(line.ptr()) || PyByteArray_Check(line.ptr()) || PyMemoryView_Check(line.ptr())) {
        text = view.emplace(line).bytes();
      } else {
        throw nb::type_error(("wcstream: lines must be str or bytes, not " + type_name(line)).c_str());
      }
      chunk.insert(chunk.end(), text.begin(), text.end());
      chunk.push_back('\n');
      if (chunk.size() >= chunk_bytes) {
        nb::gil_scoped_release release;
        count(chunk);
        chunk.clear();
      }
    }
  }

  // Arrow's string (or binary) layout: row i is data[offsets[i], offsets[i + 1]) for the `rows` rows
  // from `first`; offsets are int32, or int64 when `wide`. Each row is a line. Bounds are checked.
  void add_arrow(nb::handle offsets, nb::handle data, std::size_t first, std::size_t rows, bool wide) {
    const auto lock = claim();
    const byte_view offsets_view(offsets), data_view(data);
    const bytes_span o = offsets_view.bytes(), d = data_view.bytes();
    const std::size_t width = wide ? 8 : 4;
    if (rows == 0) return;
    if ((first + rows + 1) > o.size() / width) throw nb::value_error("wcstream: Arrow offsets shorter than the rows they index");
    nb::gil_scoped_release release;
    const auto offset_at = [&](std::size_t i) -> std::int64_t {
      if (wide) {
        std::int64_t v;
        std::memcpy(&v, o.data() + i * 8, 8);
        return v;
      }
      std::int32_t v;
      std::memcpy(&v, o.data() + i * 4, 4);
      return v;
    };
    std::vector<std::uint8_t>& chunk = pending_;
    std::int64_t begin = offset_at(first);
    for (std::size_t i = first; i < first + rows; ++i) {
      const std::int64_t end = offset_at(i + 1);
      if (begin < 0 || end < begin || static_cast<std::uint64_t>(end) > d.size())
        throw std::invalid_argument("wcstream: Arrow offsets out of order or past the data");
      chunk.insert(chunk.end(), d.begin() + begin, d.begin() + end);
      chunk.push_back('\n');
      if (chunk.size() >= chunk_bytes) {
        count(chunk);
        chunk.clear();
      }
      begin = end;
    }
  }

  // Lines framed as Spark's JVM hands strings to a Python worker: a 4-byte big-endian length, then
  // that many UTF-8 bytes; a length of -1 ends the data. Feeds the whole frames at the start of
  // `data` and returns the bytes they take (with the end marker's 4 when reached) and whether the end
  // was reached: the caller consumes exactly those bytes, so what follows the data in the worker's
  // stream stays unread.
  std::pair<std::size_t, bool> add_frames(nb::handle data) {
    const auto lock = claim();
    const byte_view view(data);
    const bytes_span d = view.bytes();
    nb::gil_scoped_release release;
    std::vector<std::uint8_t>& chunk = pending_;
    std::size_t used = 0;
    while (d.size() - used >= 4) {
      const std::int32_t length = static_cast<std::int32_t>(std::uint32_t{d[used]} << 24 | std::uint32_t{d[used + 1]} << 16 |
                                                            std::uint32_t{d[used + 2]} << 8 | std::uint32_t{d[used + 3]});
      if (length == end_of_data) return {used + 4, true};
      if (length == null_line) throw nb::type_error("wcstream: lines must be str or bytes, not None (a null string from the JVM)");
      if (length < 0) throw std::invalid_argument("wcstream: unexpected frame length " + std::to_string(length) + " among framed lines");
      if (d.size() - used - 4 < static_cast<std::size_t>(length)) break;  // an incomplete frame waits for more bytes
      const auto line = d.subspan(used + 4, static_cast<std::size_t>(length));
      chunk.insert(chunk.end(), line.begin(), line.end());
      chunk.push_back('\n');
      if (chunk.size() >= chunk_bytes) {
        count(chunk);
        chunk.clear();
      }
      used += 4 + static_cast<std::size_t>(length);
    }
    return {used, false};
  }

  // Every word fed so far and its count; an unterminated last line counts as complete.
  nb::dict counts() {
    const auto lock = claim();
    {
      nb::gil_scoped_release release;
      close_batch();
    }
    nb::dict out;
    for (std::size_t id = 0; id < totals_.size(); ++id) {
      if (totals_[id] == 0) continue;
      const std::string_view w = dict_.word(static_cast<dictionary::id_type>(id));
      out[nb::str(w.data(), w.size())] = nb::int_(totals_[id]);
    }
    return out;
  }

  std::uint64_t words() {
    const auto lock = claim();
    nb::gil_scoped_release release;
    close_batch();
    return words_;
  }

  void clear() {
    const auto lock = claim();
    nb::gil_scoped_release release;
    close_batch();
    totals_.assign(totals_.size(), 0);
    words_ = 0;
  }

 private:
  static constexpr std::size_t chunk_bytes = std::size_t{4} << 20;
  // pyspark.serializers.SpecialLengths among the JVM's frames.
  static constexpr std::int32_t end_of_data = -1;
  static constexpr std::int32_t null_line = -5;

  static std::unique_ptr<backend> make(const std::string& name) {
    const backend_kind kind = parse_backend(name);
    return make_backend(kind);  // std::runtime_error (RuntimeError) when `kind` cannot run here
  }
  static int arena_threads(std::optional<int> threads) {
    if (!threads) return tbb::task_arena::automatic;
    if (*threads < 1) throw nb::value_error("wcstream: threads must be at least 1");
    return *threads;
  }
  static std::string type_name(nb::handle obj) { return Py_TYPE(obj.ptr())->tp_name; }

  // Calls release the GIL while counting, so two threads could enter one counter: the second gets an
  // error instead of waiting (waiting for the lock while holding the GIL could deadlock).
  std::unique_lock<std::mutex> claim() {
    std::unique_lock lock(use_, std::try_to_lock);
    if (!lock.owns_lock()) throw std::runtime_error("wcstream: this WordCounter is in use by another thread");
    return lock;
  }

  // Feeds whole lines of `text` to the backend, keeping its unterminated end in pending_.
  void add_stream(bytes_span text) {
    std::size_t last = text.size();
    while (last > 0 && !is_line_end(text[last - 1])) --last;  // text[0, last) is whole lines
    if (last == 0) {
      pending_.insert(pending_.end(), text.begin(), text.end());
      return;
    }
    std::size_t start = 0;
    if (!pending_.empty()) {  // complete the waiting line with this piece's first line
      while (!is_line_end(text[start])) ++start;
      pending_.insert(pending_.end(), text.begin(), text.begin() + start + 1);
      count(pending_);
      pending_.clear();
      ++start;
    }
    count(text.subspan(start, last - start));
    pending_.assign(text.begin() + last, text.end());
  }

  // Feeds whole lines to the backend, in chunks it accepts (the CUDA backend's are at most 1 GiB), cut
  // after ASCII whitespace, which never belongs to a multi-byte character or a word. A word longer
  // than a chunk is split, as the engine splits a word longer than its buffer.
  void count(bytes_span text) {
    const std::size_t limit = backend_->max_chunk_bytes();
    while (!text.empty()) {
      std::size_t n = text.size();
      if (n > limit) {
        n = limit;
        while (n > 0 && !is_ascii_space(text[n - 1])) --n;
        if (n == 0) n = limit;
      }
      arena_.execute([&] { backend_->add_chunk(text.first(n)); });
      open_ = true;
      text = text.subspan(n);
    }
  }

  // Counts what waits in pending_ and adds the backend's open batch to the totals.
  void close_batch() {
    count(pending_);
    pending_.clear();
    if (!open_) return;
    arena_.execute([&] { words_ += backend_->finish_batch(dict_, batch_); });
    open_ = false;
    totals_.resize(dict_.size(), 0);
    const host_entries& batch = batch_.host();
    for (std::size_t i = 0; i < batch.size(); ++i) totals_[batch.ids[i]] += batch.counts[i];
    batch_.clear();
  }

  std::unique_ptr<backend> backend_;
  tbb::task_arena arena_;
  std::mutex use_;  // see claim()
  dictionary dict_;
  batch_table batch_;
  std::vector<std::uint64_t> totals_;  // by dictionary id
  std::vector<std::uint8_t> pending_;
  std::uint64_t words_ = 0;
  bool open_ = false;
};

}  // namespace
}  // namespace wcs::python

NB_MODULE(_wcstream, m) {
  using wcs::python::word_counter;
  // The engine logs its choices (such as "no CUDA device: using the CPU backend") at info level; a
  // library should not print them into every Python process that counts.
  spdlog::set_level(spdlog::level::warn);
  m.doc() = "wcstream's native word counting (see the wcstream package)";
  nb::class_<word_counter>(m, "WordCounter",
                           "Counts the words of a text stream fed in pieces, with the engine's semantics: Python's "
                           "str.split() on text decoded as Spark's JVM decodes a socket stream.")
      .def(nb::init<const std::string&, std::optional<int>>(), nb::arg("backend") = "auto", nb::arg("threads") = nb::none(),
           "backend: 'auto' (CUDA when a device is present, else CPU), 'cpu' or 'cuda'; threads: the CPU "
           "threads counting may use (default: all)")
      .def_prop_ro("backend", &word_counter::backend_name, "the backend counting: 'cpu' or 'cuda'")
      .def("add", &word_counter::add, nb::arg("data"),
           "Feeds a piece of the stream: bytes-like (UTF-8, malformed bytes replaced as the JVM does) or str.")
      .def("add_lines", &word_counter::add_lines, nb::arg("lines"),
           "Feeds an iterable of lines (str or bytes), each followed by a line end.")
      .def("add_frames", &word_counter::add_frames, nb::arg("data"),
           "Feeds the whole frames at the start of a bytes-like of lines framed as Spark's JVM sends strings "
           "to Python (4-byte big-endian length, UTF-8 bytes; -1 ends the data): returns (bytes used, end reached).")
      .def("add_arrow", &word_counter::add_arrow, nb::arg("offsets"), nb::arg("data"), nb::arg("first"), nb::arg("rows"),
           nb::arg("wide"), "Feeds rows of an Arrow string or binary array (its offsets and data buffers) as lines.")
      .def("counts", &word_counter::counts, "dict of every word fed so far and its count")
      .def_prop_ro("words", &word_counter::words, "the number of words fed so far")
      .def("clear", &word_counter::clear, "Forgets the counts (the words' spellings are kept for reuse).");
}
