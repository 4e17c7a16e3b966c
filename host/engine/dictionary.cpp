#include "host/engine/dictionary.hpp"

#include <cstring>
#include <stdexcept>

#include "kernels/cpu/word_hash.hpp"

namespace wcs {

dictionary::id_type dictionary::intern(std::string_view w) { return intern(w, hash_word(w)); }

dictionary::id_type dictionary::intern(std::string_view w, std::uint64_t hash) {
  if (index_.empty()) rehash(1 << 12);
  std::size_t i = hash & mask_;
  for (;;) {
    const id_type id = index_[i];
    if (id == no_id) break;
    if (hashes_[id] == hash && word(id) == w) return id;
    i = (i + 1) & mask_;
  }
  if (size() >= no_id - 1) throw std::runtime_error("dictionary: more than 4 billion distinct words");
  const auto id = static_cast<id_type>(size());
  arena_.insert(arena_.end(), w.begin(), w.end());
  offsets_.push_back(arena_.size());
  hashes_.push_back(hash);
  index_[i] = id;
  if (size() * 2 > index_.size()) rehash(index_.size() * 2);
  return id;
}

void dictionary::rehash(std::size_t capacity) {
  index_.assign(capacity, no_id);
  mask_ = capacity - 1;
  for (id_type id = 0; id < size(); ++id) {
    std::size_t i = hashes_[id] & mask_;
    while (index_[i] != no_id) i = (i + 1) & mask_;
    index_[i] = id;
  }
}

std::vector<dictionary::id_type> dictionary::compact(const std::vector<bool>& keep) {
  std::vector<id_type> remap(size(), no_id);
  std::vector<char> arena;
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint64_t> hashes;
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
  std::size_t capacity = 1 << 12;
  while (capacity < size() * 2) capacity *= 2;
  rehash(capacity);
  ++generation_;
  return remap;
}

void dictionary::clear() {
  arena_.clear();
  offsets_.assign(1, 0);
  hashes_.clear();
  index_.clear();
  mask_ = 0;
  ++generation_;
}

}  // namespace wcs
