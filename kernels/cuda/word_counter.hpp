#pragma once
// Tokenization + hashed reduceByKey of a stream of chunks, the stage sequence of the GPU backend,
// written once over an executor (kernels/common/host_exec.hpp documents the interface):
// word_counter<cuda_exec> runs it on a GPU, word_counter<host_exec> runs the same bodies on CPU threads
// for the tests.
//
// Per chunk (whole lines):
//   upload     input copy into one of two device buffers (copy stream, while the previous chunk's
//              insert kernels run: double buffering);
//   tokenize   classify -> scan -> scatter, giving the chunk's word list (compute stream, async);
//   insert     (deferred to the next add_chunk or the batch's end) [repair], insert into the word
//              table (growing it and inserting again what met the fill limit), materialize the
//              chunk's new words into the arena, release the input buffer.
// Per batch: only the words without an id yet come back (their bytes, once), with the batch's sizes;
// the host interns them and sends the ids back (settle_batch), so known words never travel again. The
// settled (id, count) entries stay in device memory (batch_entries), for the count tables; a host copy
// is made only when asked for (download, download_top).
//
// Host synchronization: add_chunk waits for the previous chunk's counters (twice: after tokenize,
// after insert) and for its own input copy; collect_batch and settle_batch wait for their results.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernels/cuda/batch_entries.hpp"
#include "kernels/cuda/batch_result.hpp"
#include "kernels/cuda/counters.hpp"
#include "kernels/cuda/tokenize_ref.hpp"
#include "kernels/cuda/top_entries.hpp"
#include "kernels/cuda/word_table_ref.hpp"

namespace wcs::cuda {

template <class Exec>
class word_counter {
  template <class T>
  using buffer = typename Exec::template buffer<T>;

 public:
  using entries = batch_entries<Exec>;

  template <class... ExecArgs>
  explicit word_counter(std::size_t initial_slots, ExecArgs&&... exec_args)
      : exec_(std::forward<ExecArgs>(exec_args)...), initial_slots_(std::bit_ceil(std::max<std::size_t>(initial_slots, 64))) {
    counters_ = exec_.template allocate<pass_counters>(1);
    exec_.zero(counters_.data(), 1);
    allocate_table(initial_slots_);
  }

  Exec& exec() { return exec_; }
  std::size_t capacity() const { return capacity_; }

  // Counts the words of `text` into the open batch. Returns when `text` may be reused, with the
  // chunk's tokenize kernels queued; its insert runs in the next call, overlapping that chunk's copy.
  void add_chunk(std::span<const std::uint8_t> text) {
    if (text.empty()) return;
    if (text.size() > max_chunk_bytes) {
      throw std::runtime_error("cuda backend: a chunk of " + std::to_string(text.size()) + " bytes, at most " +
                               std::to_string(max_chunk_bytes) + " fit (use --buffer-mb 1023 or less)");
    }
    const int slot = next_slot_;
    next_slot_ ^= 1;
    reserve(input_[slot], text.size());
    exec_.upload_input(slot, input_[slot].data(), text);
    finish_pending();
    tokenize(slot, static_cast<std::uint32_t>(text.size()));
    exec_.wait_input(slot);
  }

  // Ends the open batch's counting. Only the words without an id cross to the host (their bytes); the
  // (id, count) entries wait in device memory for settle_batch. forget_ids: the host dictionary was
  // renumbered (compacted) since the last batch, so every cached id is dropped and this batch's words
  // are all sent again.
  void collect_batch(bool forget_ids, batch_result& out) {
    finish_pending();
    if (forget_ids) exec_.for_each(capacity_, forget_ids_body{ids_.data()});
    const pass_counters c = exec_.read(counters_.data());
    filled_ = c.filled;
    const std::size_t n = c.touched;
    out.words = batch_words_;
    batch_words_ = 0;
    out.entries = n;
    out.offsets.clear();
    out.bytes.clear();
    out.fresh = 0;
    collected_ = n;
    fresh_ = 0;
    if (n == 0) return;
    reserve(out_ids_, n);
    reserve(out_counts_, n);
    reserve(fresh_position_, n);
    const word_table_ref t = table_ref({}, nullptr);
    exec_.zero(&counters_.data()->max_known_id, 1);
    exec_.for_each(n, collect_body{t, out_ids_.data(), out_counts_.data()});
    const fresh_flag is_fresh{out_ids_.data()};
    exec_.inclusive_sum(n, is_fresh, fresh_position_.data());
    fresh_ = exec_.read(fresh_position_.data() + n - 1);
    max_known_id_ = exec_.read(&counters_.data()->max_known_id);
    out.fresh = fresh_;
    if (fresh_ == 0) return;
    reserve(fresh_list_, fresh_);
    reserve(out_lengths_, fresh_ + 1);
    reserve(out_offsets_, fresh_ + 1);
    exec_.for_each(n, list_fresh_body{is_fresh, fresh_position_.data(), fresh_list_.data()});
    exec_.for_each(fresh_, measure_fresh_body{t, fresh_list_.data(), out_lengths_.data()});
    exec_.zero(out_lengths_.data() + fresh_, 1);
    exec_.exclusive_sum(fresh_ + 1, out_lengths_.data(), out_offsets_.data());
    out.offsets.resize(fresh_ + 1);
    exec_.download(out.offsets.data(), out_offsets_.data(), fresh_ + 1);
    reserve(out_bytes_, out.offsets[fresh_]);
    exec_.for_each(fresh_, gather_body{t, fresh_list_.data(), out_offsets_.data(), out_bytes_.data()});
    out.bytes.resize(out.offsets[fresh_]);
    exec_.download(reinterpret_cast<std::uint8_t*>(out.bytes.data()), out_bytes_.data(), out.offsets[fresh_]);
  }

  // Closes the batch collected last: fresh_ids holds the dictionary id of each fresh word, in
  // collect_batch's order (they are stored on the device). Returns the batch's entries left in device
  // memory (the collected counts and the settled ids), ready for another stream to read. Empties the
  // table when the dictionary (dictionary_size words now) shrank well below it.
  batch_entries<Exec> settle_batch(std::span<const std::uint32_t> fresh_ids, std::size_t dictionary_size) {
    if (fresh_ids.size() != fresh_) throw std::logic_error("word_counter: settle_batch does not match collect_batch");
    batch_entries<Exec> entries;
    if (collected_ != 0) {
      std::uint32_t max_id = max_known_id_;
      if (fresh_ != 0) {
        reserve(host_ids_, fresh_);
        exec_.upload(host_ids_.data(), fresh_ids.data(), fresh_);
        exec_.for_each(fresh_, place_fresh_body{fresh_list_.data(), host_ids_.data(), out_ids_.data()});
        max_id = std::max(max_id, *std::max_element(fresh_ids.begin(), fresh_ids.end()));
      }
      exec_.for_each(collected_, settle_body{table_ref({}, nullptr), fresh_ != 0 ? out_ids_.data() : nullptr});
      entries = keep_entries(collected_, max_id);
    }
    exec_.zero(&counters_.data()->touched, 1);
    collected_ = 0;
    fresh_ = 0;
    // Without compaction every table word is in the dictionary; after one, the table may hold many
    // words nobody needs: start empty (known words then cost one more trip to the host).
    if (filled_ > 2 * dictionary_size + initial_slots_ / 2) {
      exec_.zero(keys_.data(), capacity_);
      exec_.zero(&counters_.data()->filled, 1);
      exec_.zero(&counters_.data()->arena_used, 1);
      filled_ = 0;
    }
    exec_.synchronize();
    return entries;
  }

  // A host copy of entries this counter made: every one, or those that may be among the first `num`
  // records (see top_entries). The only way a batch's entries reach the host, on demand.
  void download(const batch_entries<Exec>& e, std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts) {
    ids.resize(e.size);
    counts.resize(e.size);
    exec_.download(ids.data(), e.ids.data(), e.size);
    exec_.download(counts.data(), e.counts.data(), e.size);
  }
  void download_top(const batch_entries<Exec>& e, std::size_t num, std::vector<std::uint32_t>& ids,
                    std::vector<std::uint64_t>& counts) {
    top_.download(exec_, e.ids.data(), e.counts.data(), e.size, num, ids, counts);
  }

 private:
  // Copies of the batch's settled ids and collected counts, sized to the batch: the staging buffers
  // are reused by the next batch, the copies live as long as a view needs them.
  batch_entries<Exec> keep_entries(std::size_t n, std::uint32_t max_id) {
    batch_entries<Exec> e;
    e.size = n;
    e.max_id = max_id;
    e.ids = exec_.template allocate<std::uint32_t>(n);
    e.counts = exec_.template allocate<std::uint64_t>(n);
    exec_.copy(e.ids.data(), out_ids_.data(), n);
    exec_.copy(e.counts.data(), out_counts_.data(), n);
    return e;
  }

  template <class T>
  void reserve(buffer<T>& b, std::size_t n) {
    if (b.size() < n) b = exec_.template allocate<T>(std::max(n, b.size() + b.size() / 2));
  }

  tokenize_ref tokenize_ref_for(int slot, std::uint32_t n) {
    return {input_[slot].data(), n,          cls_.data(),     word_index_.data(), starts_.data(),
            ends_.data(),        repair_.data(), scratch_.data(), counters_.data()};
  }

  word_table_ref table_ref(chunk_words chunk, std::uint32_t* retry_out) {
    return {keys_.data(),      counts_.data(),    ids_.data(), capacity_ - 1, fill_limit(),
            touched_list_.data(), new_slots_.data(), arena_.data(), counters_.data(), chunk, retry_out};
  }

  void tokenize(int slot, std::uint32_t n) {
    const std::size_t max_words = n / 2 + 1;
    reserve(cls_, n);
    reserve(word_index_, n);
    reserve(starts_, max_words);
    reserve(ends_, max_words);
    reserve(retry_[0], max_words);
    reserve(retry_[1], max_words);
    exec_.consume_input(slot);
    exec_.zero(reinterpret_cast<std::uint8_t*>(counters_.data()), offsetof(pass_counters, filled));
    const tokenize_ref t = tokenize_ref_for(slot, n);
    exec_.for_each(n, classify_body{t});
    exec_.inclusive_sum(n, start_flag{t.cls}, t.word_index);
    exec_.for_each(n, scatter_body{t});
    pending_ = {true, slot, n};
  }

  void finish_pending() {
    if (!pending_.active) return;
    pending_.active = false;
    const std::uint32_t n = pending_.n;
    pass_counters c = exec_.read(counters_.data());
    if (c.malformed != 0) {
      reserve(repair_, c.words);
      exec_.zero(repair_.data(), c.words);
      const tokenize_ref t = tokenize_ref_for(pending_.slot, n);
      exec_.for_each(n, mark_repair_body{t});
      exec_.for_each(c.words, measure_body{t});
      c = exec_.read(counters_.data());
      reserve(scratch_, c.repair_bytes);
      exec_.for_each(c.words, repair_body{tokenize_ref_for(pending_.slot, n)});
    }
    const chunk_words words = tokenize_ref_for(pending_.slot, n).words();
    int list = 0;
    exec_.for_each(c.words, insert_body{table_ref(words, retry_[0].data()), nullptr});
    c = exec_.read(counters_.data());
    while (c.retries != 0) {
      // The retry list holds occurrences, repeats included, so its length says nothing about how
      // many words are new: double only while the table is really at its limit. Growth then happens
      // with more than capacity/2 distinct words, so the capacity stays below 4x the distinct words.
      // Below the limit (a reservation rolled back after a lost race) the retries go in as they are.
      if (c.filled >= fill_limit()) grow(words);
      exec_.zero(&counters_.data()->retries, 1);
      exec_.for_each(c.retries, insert_body{table_ref(words, retry_[list ^ 1].data()), retry_[list].data()});
      list ^= 1;
      c = exec_.read(counters_.data());
    }
    if (c.arena_used + c.new_bytes > arena_.size()) {
      buffer<std::uint8_t> arena = exec_.template allocate<std::uint8_t>(std::max(c.arena_used + c.new_bytes, 2 * arena_.size()));
      exec_.copy(arena.data(), arena_.data(), c.arena_used);
      arena_ = std::move(arena);
    }
    exec_.for_each(c.new_slots, materialize_body{table_ref(words, nullptr)});
    exec_.release_input(pending_.slot);
    batch_words_ += c.words;
  }

  void allocate_table(std::size_t capacity) {
    if (capacity > (std::size_t{1} << 31)) throw std::runtime_error("cuda backend: word table above 2^31 slots");
    capacity_ = capacity;
    keys_ = exec_.template allocate<std::uint64_t>(capacity);
    counts_ = exec_.template allocate<std::uint64_t>(capacity);
    ids_ = exec_.template allocate<std::uint32_t>(capacity);
    touched_list_ = exec_.template allocate<std::uint32_t>(capacity);
    new_slots_ = exec_.template allocate<std::uint32_t>(capacity);
    exec_.zero(keys_.data(), capacity);
    exec_.zero(counts_.data(), capacity);
  }

  std::uint32_t fill_limit() const { return static_cast<std::uint32_t>(capacity_ / 2); }

  // Doubles the table, moving every entry (chunk words included: `words` is the current chunk). The
  // old arrays are released after the rehash that reads them, in stream order (see cuda_exec).
  void grow(chunk_words words) {
    const std::size_t capacity = capacity_ * 2;
    buffer<std::uint64_t> keys = std::move(keys_);
    buffer<std::uint64_t> counts = std::move(counts_);
    buffer<std::uint32_t> ids = std::move(ids_);
    const std::size_t old_capacity = capacity_;
    allocate_table(capacity);
    exec_.zero(&counters_.data()->filled, 1);
    exec_.zero(&counters_.data()->new_slots, 1);
    exec_.zero(&counters_.data()->touched, 1);
    exec_.for_each(old_capacity, rehash_body{table_ref(words, nullptr), keys.data(), counts.data(), ids.data()});
  }

  struct pending_chunk {
    bool active = false;
    int slot = 0;
    std::uint32_t n = 0;
  };

  Exec exec_;
  std::size_t initial_slots_;
  buffer<pass_counters> counters_;
  // Input double buffer and the current chunk's word list.
  buffer<std::uint8_t> input_[2];
  int next_slot_ = 0;
  pending_chunk pending_;
  buffer<std::uint8_t> cls_;
  buffer<std::uint32_t> word_index_;
  buffer<std::uint32_t> starts_;
  buffer<std::uint32_t> ends_;
  buffer<std::uint32_t> repair_;
  buffer<std::uint8_t> scratch_;
  buffer<std::uint32_t> retry_[2];
  // The word table.
  std::size_t capacity_ = 0;
  buffer<std::uint64_t> keys_;
  buffer<std::uint64_t> counts_;
  buffer<std::uint32_t> ids_;
  buffer<std::uint32_t> touched_list_;
  buffer<std::uint32_t> new_slots_;
  buffer<std::uint8_t> arena_;
  // The batch.
  std::uint64_t batch_words_ = 0;
  std::size_t collected_ = 0;  // entries of the last collect_batch
  std::size_t fresh_ = 0;      // ... of them without id
  std::uint32_t max_known_id_ = 0;  // ... the largest id among the others
  std::uint32_t filled_ = 0;
  buffer<std::uint32_t> out_ids_;
  buffer<std::uint64_t> out_counts_;
  buffer<std::uint32_t> fresh_position_;
  buffer<std::uint32_t> fresh_list_;
  buffer<std::uint64_t> out_lengths_;
  buffer<std::uint64_t> out_offsets_;
  buffer<std::uint8_t> out_bytes_;
  buffer<std::uint32_t> host_ids_;
  top_entries<Exec> top_;  // a stateless batch's output (download_top)
};

}  // namespace wcs::cuda
