#pragma once
// A single-threaded open-addressing table word -> count, one per TBB worker: the hot path of the CPU
// reduceByKey. It outlives batches: a drain hands out each batch's counts and zeroes them but keeps the
// words with the dictionary id the caller gave them, so a word seen before costs no dictionary lookup
// at the next batch end. Words are copied once into an arena.
//
// A 16-byte slot holds what the hit path reads: the key prefix of word_hash.hpp (which with the length
// identifies a word of up to 8 bytes, so probes for those never touch the arena), the length and a
// 32-bit count. Slots and the refs to the arena share one huge-page block (huge_pages.hpp).
// Counts cannot wrap: before each piece of text the caller bounds its words (reserve), and the table
// spills its counts to 64 bits first when the bound could pass 2^32 - 1. Linear probing, power-of-two
// capacity, at most three quarters full, indexed by the hash's top bits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "kernels/cpu/huge_pages.hpp"
#include "kernels/cpu/word_hash.hpp"

namespace wcs {

class local_word_table {
  struct slot {
    std::uint64_t prefix;
    std::uint32_t count;
    std::uint32_t length;  // 0: empty (words are never empty)
  };
  // What only inserts, long-word compares and drains read, kept apart from the slots.
  struct word_ref {
    std::uint64_t offset;  // in arena_
    std::uint32_t id;
  };

 public:
  static constexpr std::uint32_t no_id = ~std::uint32_t{0};

  // count_limit: the largest count a slot holds before spilling (tests lower it).
  explicit local_word_table(std::uint64_t count_limit = std::numeric_limits<std::uint32_t>::max())
      : count_limit_(count_limit) {
    reset_slots(initial_capacity);
    // Room for the words the first slots hold at average length 8: the arena then grows by copying
    // only for a big vocabulary (reserving touches no memory).
    arena_.reserve(max_words(initial_capacity) * 8);
  }

  // Promises at most `words` add() calls before the next reserve or drain.
  void reserve(std::uint64_t words) {
    if (pending_ + words > count_limit_) spill();
    pending_ += words;
  }

  // The hot loop's view of the table: a copy of what the hit path reads, so the loop keeps it in
  // registers (stores to counts could otherwise alias the table's own fields). Void after add().
  class probe {
   public:
    // Counts a word of up to 16 bytes, 8 bytes readable from `word`, if present; false: absent (add()
    // it). Up to 8 bytes the slot alone identifies the word; 9..16 also compare the last 8 bytes.
    [[gnu::always_inline]] bool take(const std::uint8_t* word, std::size_t length) const {
      if (length <= 8) {
        const std::uint64_t prefix = detail::load<std::uint64_t>(word) & detail::byte_mask[length];
        std::size_t i = detail::key_short(prefix).hash >> shift_;
        for (;;) {
          slot& s = slots_[i];
          if (s.prefix == prefix && s.length == length) {
            ++s.count;
            return true;
          }
          if (s.length == 0) return false;
          i = (i + 1) & mask_;
        }
      }
      const word_key key = detail::key_long(word, length);
      const std::uint64_t last = detail::load<std::uint64_t>(word + length - 8);
      std::size_t i = key.hash >> shift_;
      for (;;) {
        slot& s = slots_[i];
        if (s.prefix == key.prefix && s.length == length &&
            detail::load<std::uint64_t>(arena_ + refs_[i].offset + length - 8) == last) {
          ++s.count;
          return true;
        }
        if (s.length == 0) return false;
        i = (i + 1) & mask_;
      }
    }

   private:
    friend class local_word_table;
    probe(slot* slots, const word_ref* refs, const std::uint8_t* arena, std::size_t mask, unsigned shift)
        : slots_(slots), refs_(refs), arena_(arena), mask_(mask), shift_(shift) {}
    slot* slots_;
    const word_ref* refs_;
    const std::uint8_t* arena_;
    std::size_t mask_;
    unsigned shift_;
  };
  probe hot_probe() { return probe(slots_, refs_, arena_.data(), mask_, shift_); }

  // Counts any word, inserting it when new.
  void add(const std::uint8_t* word, std::size_t length, word_key key) {
    const std::size_t i = slot_of(word, length, key);
    if (slots_[i].length == 0) {
      insert_at(i, word, length, key);
    } else {
      ++slots_[i].count;
    }
  }

  // fn(std::string_view word, std::uint32_t& id, std::uint64_t count) for every word counted since the
  // last drain, then zeroes the counts; returns the sum of the counts. `id` is what fn stored for the
  // word before (no_id at first).
  template <class Fn>
  std::uint64_t drain(Fn&& fn) {
    const std::uint64_t sum = drain_slots(0, capacity(), fn);
    end_drain();
    return sum;
  }

  // A drain split among tasks: drain_slots() hands out the words of slots [begin, end) (multiples of
  // 64) as drain() does and returns the sum of their counts; tasks may drain disjoint ranges of one
  // table at the same time, and end_drain() follows once all are done. visit_slots() is the same
  // without zeroing the counts.
  std::size_t capacity() const { return mask_ + 1; }
  template <class Fn>
  std::uint64_t drain_slots(std::size_t begin, std::size_t end, Fn&& fn) {
    return for_counted<true>(begin, end, fn);
  }
  template <class Fn>
  void visit_slots(std::size_t begin, std::size_t end, Fn&& fn) {
    for_counted<false>(begin, end, fn);
  }
  void end_drain() { pending_ = 0; }

  // Where the table keeps the id of `word` (key: key_word of it), or nullptr when it does not hold the
  // word (see drain). Reads only, so tasks may look up a table no task is changing.
  const std::uint32_t* id_of(std::string_view w, word_key key) const {
    const auto* word = reinterpret_cast<const std::uint8_t*>(w.data());
    const std::size_t i = slot_of(word, w.size(), key);
    return slots_[i].length == 0 ? nullptr : &refs_[i].id;
  }

  // Distinct words held (counted now or before), and their bytes.
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return arena_.size(); }

  // Drops every word (the ids they carry became stale, or memory is to be returned).
  void clear() {
    arena_.clear();
    spilled_.clear();
    reset_slots(initial_capacity);
    size_ = 0;
    pending_ = 0;
  }

 private:
  static constexpr std::size_t initial_capacity = 1 << 16;
  // Words a table of `capacity` slots holds before it doubles. Linear probing stays short up to three
  // quarters full; at half full, a vocabulary of 96,000 words doubled each table once more (8 MiB
  // instead of 4): more fresh memory and more cache misses.
  static constexpr std::size_t max_words(std::size_t capacity) { return capacity / 4 * 3; }

  // The slot holding the word, or the empty slot where it belongs.
  std::size_t slot_of(const std::uint8_t* word, std::size_t length, word_key key) const {
    std::size_t i = key.hash >> shift_;
    for (;;) {
      const slot& s = slots_[i];
      if (s.length == 0 || (s.prefix == key.prefix && s.length == length &&
                            (length <= 8 || std::memcmp(arena_.data() + refs_[i].offset, word, length) == 0))) {
        return i;
      }
      i = (i + 1) & mask_;
    }
  }

  template <bool zero, class Fn>
  std::uint64_t for_counted(std::size_t begin, std::size_t end, Fn& fn) {
    // 64 slots at a time: a mask of those counted this batch, then one call per set bit. Up to three
    // quarters of the slots hold a word, often one not counted since the last drain: a branch per slot
    // would mispredict.
    static_assert(initial_capacity % 64 == 0);
    std::uint64_t sum = 0;
    for (std::size_t base = begin; base < end; base += 64) {
      std::uint64_t counted = 0;
      for (unsigned k = 0; k < 64; ++k) counted |= std::uint64_t{slots_[base + k].count != 0} << k;
      if (!spilled_.empty()) {
        for (unsigned k = 0; k < 64; ++k) counted |= std::uint64_t{spilled_[base + k] != 0} << k;
      }
      for (; counted != 0; counted &= counted - 1) {
        const std::size_t i = base + static_cast<std::size_t>(__builtin_ctzll(counted));
        slot& s = slots_[i];
        std::uint64_t count = s.count;
        if (!spilled_.empty()) {
          count += spilled_[i];
          if constexpr (zero) spilled_[i] = 0;
        }
        if constexpr (zero) s.count = 0;
        sum += count;
        fn(std::string_view(reinterpret_cast<const char*>(arena_.data() + refs_[i].offset), s.length), refs_[i].id, count);
      }
    }
    return sum;
  }

  [[gnu::noinline]] void insert_at(std::size_t i, const std::uint8_t* word, std::size_t length, word_key key) {
    slots_[i] = slot{key.prefix, 1, static_cast<std::uint32_t>(length)};
    refs_[i] = word_ref{arena_.size(), no_id};
    arena_.insert(arena_.end(), word, word + length);
    if (++size_ > max_words(mask_ + 1)) grow();
  }

  [[gnu::noinline]] void spill() {
    if (spilled_.empty()) spilled_.assign(mask_ + 1, 0);
    for (std::size_t i = 0; i <= mask_; ++i) {
      spilled_[i] += slots_[i].count;
      slots_[i].count = 0;
    }
    pending_ = 0;
  }

  // Fresh zeroed slots (all empty); a ref is only read once its slot holds a word.
  void reset_slots(std::size_t capacity) {
    // One block for both arrays: at 65,536 slots it is exactly one huge page.
    storage_ = make_large_block(capacity * (sizeof(slot) + sizeof(word_ref)));
    slots_ = reinterpret_cast<slot*>(storage_.get());
    refs_ = reinterpret_cast<word_ref*>(storage_.get() + capacity * sizeof(slot));
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
  }

  void grow() {
    const large_block old_storage = std::move(storage_);
    const slot* old_slots = slots_;
    const word_ref* old_refs = refs_;
    const std::size_t old_capacity = mask_ + 1;
    std::vector<std::uint64_t> old_spilled;
    old_spilled.swap(spilled_);
    reset_slots(old_capacity * 2);
    if (!old_spilled.empty()) spilled_.assign(mask_ + 1, 0);
    for (std::size_t j = 0; j < old_capacity; ++j) {
      if (old_slots[j].length == 0) continue;
      std::size_t i = key_word(arena_.data() + old_refs[j].offset, old_slots[j].length).hash >> shift_;
      while (slots_[i].length != 0) i = (i + 1) & mask_;
      slots_[i] = old_slots[j];
      refs_[i] = old_refs[j];
      if (!old_spilled.empty()) spilled_[i] = old_spilled[j];
    }
  }

  large_block storage_;
  slot* slots_ = nullptr;
  word_ref* refs_ = nullptr;
  std::vector<std::uint64_t> spilled_;  // counts beyond the slots' 32 bits; empty until the first spill
  std::vector<std::uint8_t> arena_;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
  std::uint64_t count_limit_;
  std::uint64_t pending_ = 0;  // add() calls promised since the last spill or drain
};

}  // namespace wcs
