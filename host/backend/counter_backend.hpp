#pragma once
// The GPU path's backend and count table as templates over the word counter and count table types, so
// the tests run them over word_counter<host_exec> / dense_counts<host_exec> (the same stage sequence and
// per-thread bodies on CPU threads) and the CUDA build over their device instantiations (cuda_backend).
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/backend/backend.hpp"
#include "kernels/cuda/batch_result.hpp"

namespace wcs {

// A batch's entries where the backend computes (Entries: the word counter's and count table's type).
template <class Entries>
class resident_entries : public resident_batch {
 public:
  resident_entries(Entries e, std::size_t size) : entries(std::move(e)), size_(size) {}
  std::size_t size() const override { return size_; }
  Entries entries;

 private:
  std::size_t size_;
};

// ... made by a Counter, which copies them back on demand (so they must not outlive it).
template <class Counter>
class counter_entries final : public resident_entries<typename Counter::entries> {
 public:
  counter_entries(Counter& counter, typename Counter::entries e, std::size_t size)
      : resident_entries<typename Counter::entries>(std::move(e), size), counter_(counter) {}
  void download(host_entries& out) const override { counter_.download(this->entries, out.ids, out.counts); }
  void download_top(std::size_t num, host_entries& out) const override {
    counter_.download_top(this->entries, num, out.ids, out.counts);
  }

 private:
  Counter& counter_;
};

// A count_table over Counts (the dense_counts interface). A batch the backend left in device memory is
// applied there; any other batch (restored from a checkpoint, renumbered by a compaction) is uploaded.
template <class Counts>
class dense_count_table final : public count_table {
 public:
  template <class... CountsArgs>
  explicit dense_count_table(CountsArgs&&... args) : counts_(std::forward<CountsArgs>(args)...) {}

  void apply(const batch_table& batch, int sign) override {
    if (const auto* r = dynamic_cast<const resident_entries<typename Counts::entries>*>(batch.resident().get())) {
      counts_.apply(r->entries, sign);
    } else {
      counts_.apply(batch.host().ids, batch.host().counts, sign);
    }
  }

  void collect(batch_table& out, bool keep_zero) const override {
    out.clear();
    host_entries& e = out.edit_host();
    counts_.collect(e.ids, e.counts, keep_zero);
  }

  std::size_t collect_top(batch_table& out, std::size_t num, bool keep_zero) const override {
    out.clear();
    host_entries& e = out.edit_host();
    return counts_.collect_top(e.ids, e.counts, num, keep_zero);
  }

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

  Counts& counts() { return counts_; }

 private:
  // Device work and its staging buffers behind the interface's const reads.
  mutable Counts counts_;
  mutable std::vector<std::uint32_t> ids_;
  mutable std::vector<std::uint64_t> counts_scratch_;
};

// A backend over Counter (the word_counter interface): words the device table has no id for travel to
// the host once, are interned in the dictionary, and their ids go back to the device, where they stay
// until the dictionary is renumbered (cached_ids). Each batch table comes with its entries left in
// device memory (batch_table::resident), which this backend's count tables apply without an upload;
// its host copy is made only when a reader asks (batch_table::host).
template <class Counter, class Counts>
class counter_backend final : public backend {
 public:
  template <class... CounterArgs>
  explicit counter_backend(std::string name, CounterArgs&&... args)
      : name_(std::move(name)), counter_(std::forward<CounterArgs>(args)...) {}

  std::string_view name() const override { return name_; }

  void add_chunk(std::span<const std::uint8_t> text) override { counter_.add_chunk(text); }

  std::uint64_t finish_batch(dictionary& dict, batch_table& out) override {
    counter_.collect_batch(ids_.void_for(dict), result_);
    fresh_ids_.resize(result_.fresh);
    for (std::size_t k = 0; k < result_.fresh; ++k) {
      const std::uint64_t begin = result_.offsets[k];
      fresh_ids_[k] = dict.intern(std::string_view(result_.bytes.data() + begin, result_.offsets[k + 1] - begin));
    }
    out.set_resident(std::make_shared<counter_entries<Counter>>(counter_, counter_.settle_batch(fresh_ids_, dict.size()),
                                                                result_.entries));
    ids_.refresh(dict);
    return result_.words;
  }

  std::unique_ptr<count_table> make_count_table() override { return std::make_unique<dense_count_table<Counts>>(); }

  std::size_t max_chunk_bytes() const override { return cuda::max_chunk_bytes; }

  Counter& counter() { return counter_; }

 private:
  std::string name_;
  Counter counter_;
  cuda::batch_result result_;
  std::vector<std::uint32_t> fresh_ids_;  // the dictionary's ids for result_'s fresh words
  cached_ids ids_;  // the device table's ids
};

}  // namespace wcs
