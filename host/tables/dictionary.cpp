#include "host/tables/dictionary.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "kernels/cpu/word_hash.hpp"

namespace wcs {
namespace {

// Words often arrive in the order of a table indexed by the top bits of the same hash (a drain of
// local_word_table): indexing the growing dictionary by those bits too would pile them into one
// cluster. A murmur3 finalizer round decorrelates the index from that order.
std::uint64_t spread(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

}  // namespace

dictionary::id_type dictionary::intern(std::string_view w) { return intern(w, hash_word(w)); }

std::size_t dictionary::position(std::string_view w, std::uint64_t hash) const {
  std::size_t i = spread(hash) >> shift_;
  for (;;) {
    const id_type id = index_[i];
    if (id == no_id || (hashes_[id] == hash && word(id) == w)) return i;
    i = (i + 1) & mask_;
  }
}

dictionary::id_type dictionary::find(std::string_view w, std::uint64_t hash) const {
  return index_.empty() ? no_id : index_[position(w, hash)];
}

dictionary::id_type dictionary::intern(std::string_view w, std::uint64_t hash) {
  if (index_.empty()) index_room(size(), static_cast<id_type>(size()));
  const std::size_t i = position(w, hash);
  if (index_[i] != no_id) return index_[i];
  if (size() >= no_id - 1) throw std::runtime_error("dictionary: more than 4 billion distinct words");
  const auto id = static_cast<id_type>(size());
  arena_.insert(arena_.end(), w.begin(), w.end());
  offsets_.push_back(arena_.size());
  hashes_.push_back(hash);
  index_[i] = id;
  index_room(size(), static_cast<id_type>(size()));
  return id;
}

dictionary::id_type dictionary::append(std::size_t words, std::size_t bytes) {
  if (size() + words >= no_id) throw std::runtime_error("dictionary: more than 4 billion distinct words");
  const auto first = static_cast<id_type>(size());
  arena_.resize(arena_.size() + bytes);
  offsets_.resize(offsets_.size() + words);
  hashes_.resize(hashes_.size() + words);
  return first;
}

void dictionary::place(id_type id, std::uint64_t at, std::string_view w, std::uint64_t hash) {
  std::memcpy(arena_.data() + at, w.data(), w.size());
  offsets_[id + 1] = at + w.size();
  hashes_[id] = hash;
}

void dictionary::index_placed(id_type first, id_type last) {
  // The words are new, so each only needs a free position, claimed atomically as other tasks index
  // theirs. A locked instruction waits for its cache miss with nothing overlapped, so the positions
  // a few words ahead are fetched first.
  constexpr id_type ahead = 16;
  for (id_type id = first; id < last; ++id) {
    if (id + ahead < last) __builtin_prefetch(&index_[spread(hashes_[id + ahead]) >> shift_], 1);
    for (std::size_t i = spread(hashes_[id]) >> shift_;; i = (i + 1) & mask_) {
      id_type empty = no_id;
      if (std::atomic_ref<id_type>(index_[i]).compare_exchange_strong(empty, id, std::memory_order_relaxed)) break;
    }
  }
}

void dictionary::prepare_index(id_type first) { index_room(size(), first); }

void dictionary::grow_index(std::size_t words, id_type indexed) {
  std::size_t capacity = std::max(index_.size(), min_index);
  while (words * 2 > capacity) capacity *= 2;
  if (capacity != index_.size()) rehash(capacity, indexed);
}

void dictionary::reserve(std::size_t words, std::size_t bytes) {
  // At least doubling, as push_back would: batches that each add a few words must not each copy all.
  const auto room = [](auto& v, std::size_t more) {
    if (v.size() + more > v.capacity()) v.reserve(std::max(v.size() + more, 2 * v.capacity()));
  };
  room(arena_, bytes);
  room(offsets_, words);
  room(hashes_, words);
}

void dictionary::rehash(std::size_t capacity, id_type indexed) {
  index_.assign(capacity, no_id);
  mask_ = capacity - 1;
  shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
  for (id_type id = 0; id < indexed; ++id) {
    std::size_t i = spread(hashes_[id]) >> shift_;
    while (index_[i] != no_id) i = (i + 1) & mask_;
    index_[i] = id;
  }
}

std::vector<dictionary::id_type> dictionary::compact(const std::vector<bool>& keep) {
  std::vector<id_type> remap(size(), no_id);
  uninit_vector<char> arena;
  uninit_vector<std::uint64_t> offsets{0};
  uninit_vector<std::uint64_t> hashes;
  // At most what is there now: the kept words are copied once, never moved by growth.
  arena.reserve(arena_.size());
  offsets.reserve(offsets_.size());
  hashes.reserve(hashes_.size());
  for (id_type id = 0; id < size(); ++id) {
    if (!keep[id]) continue;
    remap[id] = static_cast<id_type>(hashes.size());
    const std::string_view w = word(id);
    arena.insert(arena.end(), w.begin(), w.end());
    offsets.push_back(arena.size());
    hashes.push_back(hashes_[id]);
  }
  arena_.swap(arena);
  offsets_.swap(offsets);
  hashes_.swap(hashes);
  // Every id changed: emptied first, the index is rebuilt even where its size would stay.
  index_.clear();
  index_room(size(), static_cast<id_type>(size()));
  ++generation_;
  return remap;
}

}  // namespace wcs
