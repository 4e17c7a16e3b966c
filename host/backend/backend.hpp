#pragma once
// A backend turns chunks of text into one batch table: tokenize + reduceByKey. The CPU backend runs
// the kernels of kernels/cpu on oneTBB; the CUDA backend runs kernels/cuda on a GPU. Both implement
// the semantics of kernels/tokenize, so they give identical tables.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "host/tables/batch_table.hpp"
#include "host/tables/count_table.hpp"
#include "host/tables/dictionary.hpp"

namespace wcs {

// The one rule for word ids a backend keeps from batch to batch (in its worker or device tables): they
// are void once the dictionary was renumbered (compacted) since the backend last took ids from it.
class cached_ids {
 public:
  bool void_for(const dictionary& dict) const { return dict.generation() != generation_; }
  // The backend's tables now hold ids of `dict` as it is.
  void refresh(const dictionary& dict) { generation_ = dict.generation(); }

 private:
  std::uint64_t generation_ = 0;
};

class backend {
 public:
  virtual ~backend() = default;
  virtual std::string_view name() const = 0;

  // Counts the words of `text` (whole lines) into the open batch. Returns when `text` may be reused.
  virtual void add_chunk(std::span<const std::uint8_t> text) = 0;

  // Closes the open batch: its words get dictionary ids, `out` receives one entry per distinct word.
  // Returns the number of words the batch held.
  virtual std::uint64_t finish_batch(dictionary& dict, batch_table& out) = 0;

  // A count table resident where this backend computes (for state and window views).
  virtual std::unique_ptr<count_table> make_count_table() { return make_host_count_table(); }

  // The largest chunk add_chunk accepts (checked against --buffer-mb at start).
  virtual std::size_t max_chunk_bytes() const { return SIZE_MAX; }
};

enum class backend_kind { automatic, cpu, cuda };

// Throws std::runtime_error with a one-line reason when the requested backend cannot run here.
std::unique_ptr<backend> make_backend(backend_kind kind);

// What make_backend knows of the CUDA backend: usable devices (or why none) and how to construct it,
// which may still throw (busy or exclusive-mode device, out of memory).
struct cuda_option {
  int devices = 0;
  std::string reason;
  std::function<std::unique_ptr<backend>()> make;
};

// make_backend's rule: cpu; cuda, or one line saying why not; auto: cuda if it constructs, else cpu.
std::unique_ptr<backend> choose_backend(backend_kind kind, const cuda_option& cuda);

// Throws std::invalid_argument when chunks of `bytes` (the ingest buffer) exceed what b accepts.
void check_chunk_bytes(const backend& b, std::size_t bytes);

}  // namespace wcs
