#pragma once
// Every distinct word the engine holds, numbered densely: ids index the count tables (per batch,
// totals, window), so state and window updates are vector additions. Words live once in an arena.
// compact() drops the words no view needs any more and renumbers, keeping memory bounded.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "host/common/default_init_allocator.hpp"

namespace wcs {

class dictionary {
 public:
  using id_type = std::uint32_t;

  // The id of `word` (hash: hash_word(word)), adding it when new.
  id_type intern(std::string_view word, std::uint64_t hash);
  id_type intern(std::string_view word);
  // The id of `word` (hash: hash_word(word)), or no_id when absent. Safe alongside other finds.
  id_type find(std::string_view word, std::uint64_t hash) const;
  // Makes room for up to `words` more words of `bytes` in all, so interning them copies no earlier
  // word, offset or hash (the index still grows as it fills). Reserving touches no memory.
  void reserve(std::size_t words, std::size_t bytes);

  // Interning in bulk, shared among tasks, of words known to be new (a stream's first batch end):
  // append() makes ids [size(), size() + words) for words of `bytes` in all and returns the first;
  // place() sets each new id's word, its bytes at arena offset `at` (the caller lays the new words out
  // in id order from arena_bytes() as it was before append). Once all are placed, prepare_index(first
  // new id), alone, sizes the index for every word, and index_placed() makes ranges of the new ids
  // findable. Tasks may place distinct ids, and index disjoint ranges, at the same time; nothing else
  // may be called until every new id is indexed.
  id_type append(std::size_t words, std::size_t bytes);
  void place(id_type id, std::uint64_t at, std::string_view word, std::uint64_t hash);
  void prepare_index(id_type first);
  void index_placed(id_type first, id_type last);

  std::string_view word(id_type id) const {
    return {arena_.data() + offsets_[id], static_cast<std::size_t>(offsets_[id + 1] - offsets_[id])};
  }
  std::uint64_t hash(id_type id) const { return hashes_[id]; }  // hash_word(word(id))
  std::size_t size() const { return offsets_.size() - 1; }
  std::size_t arena_bytes() const { return arena_.size(); }

  // Keeps the words whose `keep` flag is set, renumbered in their old order; returns old id -> new id
  // (no_id for dropped words).
  static constexpr id_type no_id = ~id_type{0};
  std::vector<id_type> compact(const std::vector<bool>& keep);

  // Changes whenever ids are renumbered (compact): caches of word -> id compare it.
  std::uint64_t generation() const { return generation_; }

 private:
  // A fresh index of `capacity` positions holding the ids below `indexed`.
  void rehash(std::size_t capacity, id_type indexed);
  // Grows the index (rehash) to hold `words` at most half full, and to at least min_index; inline, as
  // intern() calls it for every new word and it rarely grows.
  void index_room(std::size_t words, id_type indexed) {
    if (index_.size() < min_index || words * 2 > index_.size()) grow_index(words, indexed);
  }
  void grow_index(std::size_t words, id_type indexed);
  // The index's smallest size: a stream's first batch usually brings tens of thousands of words.
  static constexpr std::size_t min_index = std::size_t{1} << 16;
  // Where `word` is in index_, or the empty position where it would go.
  std::size_t position(std::string_view word, std::uint64_t hash) const;

  // Grown without zero fill for append(), whose tasks write every new element.
  uninit_vector<char> arena_;
  uninit_vector<std::uint64_t> offsets_{0};  // word i is arena_[offsets_[i], offsets_[i+1])
  uninit_vector<std::uint64_t> hashes_;
  std::vector<id_type> index_;  // open addressing over ids, no_id = empty; see spread()
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::uint64_t generation_ = 0;
};

}  // namespace wcs
