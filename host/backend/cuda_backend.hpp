#pragma once
// The CUDA backend: tokenization and reduceByKey in kernels/cuda, count tables in device memory.
// No CUDA headers here. The adapters are templates over the word counter and count table types, so
// the tests run them over word_counter<host_exec> / dense_counts<host_exec> (the same stage sequence
// and per-thread bodies on CPU threads) and the CUDA build over their device instantiations.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/backend/backend.hpp"
#include "kernels/cuda/batch_result.hpp"

namespace wcs {

struct cuda_probe {
  int devices;         // usable CUDA devices (compute capability >= 8.0)
  std::string reason;  // why there is none
};

// Never throws: any error from the CUDA runtime (no driver, no device) means "no device".
cuda_probe probe_cuda();

// Throws std::runtime_error naming the failing CUDA call when the device cannot be set up.
std::unique_ptr<backend> make_cuda_backend();

// A count_table over Counts (the dense_counts interface).
template <class Counts>
class dense_count_table final : public count_table {
 public:
  void apply(const batch_table& batch, int sign) override { counts_.apply(batch.ids, batch.counts, sign); }

  void collect(batch_table& out, bool keep_zero) const override { counts_.collect(out.ids, out.counts, keep_zero); }

  void mark_live(std::vector<bool>& live, bool keep_zero) const override {
    counts_.collect(ids_, counts_scratch_, keep_zero);
    for (const std::uint32_t id : ids_) live[id] = true;
  }

  void remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) override { counts_.remap(old_to_new, new_size); }

  void download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched) const override {
    counts_.download(counts, touched);
  }

  void upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched) override {
    counts_.upload(counts, touched);
  }

 private:
  // Device work and its staging buffers behind the interface's const reads.
  mutable Counts counts_;
  mutable std::vector<std::uint32_t> ids_;
  mutable std::vector<std::uint64_t> counts_scratch_;
};

// A backend over Counter (the word_counter interface): words the device table has no id for travel to
// the host once, are interned in the dictionary, and their ids go back to the device. The cached ids
// are dropped when the dictionary was renumbered between batches (its generation changed).
template <class Counter, class Counts>
class counter_backend final : public backend {
 public:
  template <class... CounterArgs>
  explicit counter_backend(std::string name, CounterArgs&&... args)
      : name_(std::move(name)), counter_(std::forward<CounterArgs>(args)...) {}

  std::string_view name() const override { return name_; }

  void add_chunk(std::span<const std::uint8_t> text) override { counter_.add_chunk(text); }

  std::uint64_t finish_batch(dictionary& dict, batch_table& out) override {
    counter_.collect_batch(renumbered(dict), result_);
    if (result_.fresh != 0) {
      for (std::size_t t = 0; t < result_.ids.size(); ++t) {
        if (result_.ids[t] != cuda::no_id) continue;
        const std::uint64_t begin = result_.offsets[t];
        result_.ids[t] = dict.intern(std::string_view(result_.bytes.data() + begin, result_.offsets[t + 1] - begin));
      }
    }
    counter_.settle_batch(result_.ids, dict.size());
    generation_ = dict.generation();
    // collect_batch resizes and overwrites both next time: hand them over instead of copying.
    out.ids.swap(result_.ids);
    out.counts.swap(result_.counts);
    return result_.words;
  }

  std::unique_ptr<count_table> make_count_table() override { return std::make_unique<dense_count_table<Counts>>(); }

  std::size_t max_chunk_bytes() const override { return cuda::max_chunk_bytes; }

  Counter& counter() { return counter_; }

 private:
  bool renumbered(const dictionary& dict) const { return dict.generation() != generation_; }

  std::string name_;
  Counter counter_;
  cuda::batch_result result_;
  std::uint64_t generation_ = 0;  // the dictionary's generation after the last batch
};


}  // namespace wcs
