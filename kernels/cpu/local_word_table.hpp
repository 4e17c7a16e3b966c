#pragma once
// A single-threaded open-addressing table word -> count, one per TBB worker and batch: the hot path
// of the CPU reduceByKey. Words are copied once into an arena; a slot keeps the key prefix of
// word_hash.hpp inline, so probes for words of up to 8 bytes never touch the arena. Linear probing, power-of-two capacity,
// at most half full.
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "kernels/cpu/word_hash.hpp"

namespace wcs {

class local_word_table {
 public:
  explicit local_word_table(std::size_t initial_capacity = 1 << 12) { reset_slots(initial_capacity); }

  // The hit path is inlined into the tokenizer loop; inserting a new word is the cold path.
  [[gnu::always_inline]] void add(const std::uint8_t* word, std::size_t length, word_key key, std::uint64_t count = 1) {
    std::size_t i = key.hash & mask_;
    for (;;) {
      slot& s = slots_[i];
      // Prefix and length identify a word of up to 8 bytes; longer ones are confirmed in the arena.
      if (s.prefix == key.prefix && s.length == length &&
          (length <= 8 || std::memcmp(arena_.data() + s.offset, word, length) == 0)) {
        s.count += count;
        return;
      }
      if (s.length == 0) {
        insert_at(s, word, length, key, count);
        return;
      }
      i = (i + 1) & mask_;
    }
  }

  // fn(std::string_view word, std::uint64_t hash, std::uint64_t count) for every distinct word.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const slot& s : slots_) {
      if (s.length == 0) continue;
      const std::uint8_t* w = arena_.data() + s.offset;
      fn(std::string_view(reinterpret_cast<const char*>(w), s.length), key_word(w, s.length).hash, s.count);
    }
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Empties the table, keeping its capacity for the next batch.
  void clear() {
    if (size_ == 0) return;
    std::memset(static_cast<void*>(slots_.data()), 0, slots_.size() * sizeof(slot));
    arena_.clear();
    size_ = 0;
  }

 private:
  // 24 bytes: the hash is not kept (it is recomputed when the table grows or is drained), so more of
  // the table stays in cache on the hit path.
  struct slot {
    std::uint64_t prefix;
    std::uint64_t count;
    std::uint32_t offset;
    std::uint32_t length;  // 0: empty (words are never empty)
  };

  [[gnu::noinline]] void insert_at(slot& s, const std::uint8_t* word, std::size_t length, word_key key, std::uint64_t count) {
    s = slot{key.prefix, count, static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(length)};
    arena_.insert(arena_.end(), word, word + length);
    if (++size_ * 2 > slots_.size()) grow();
  }

  void reset_slots(std::size_t capacity) {
    slots_.assign(capacity, slot{0, 0, 0, 0});
    mask_ = capacity - 1;
  }

  void grow() {
    std::vector<slot> old;
    old.swap(slots_);
    reset_slots(old.size() * 2);
    for (const slot& s : old) {
      if (s.length == 0) continue;
      std::size_t i = key_word(arena_.data() + s.offset, s.length).hash & mask_;
      while (slots_[i].length != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<slot> slots_;
  std::vector<std::uint8_t> arena_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace wcs
