#include "host/backend/cpu_backend.hpp"

namespace wcs {

std::uint64_t cpu_backend::finish_batch(dictionary& dict, batch_table& out) {
  out.clear();
  const std::uint64_t words_before = reducer_.drained_words();
  // A word counted by several workers appears once per worker: merge by id.
  reducer_.drain([&](std::string_view word, std::uint64_t hash, std::uint64_t count) {
    const std::uint32_t id = dict.intern(word, hash);
    if (id >= slot_of_id_.size()) slot_of_id_.resize(dict.size() + dict.size() / 2 + 1, 0);
    std::uint32_t& slot = slot_of_id_[id];
    if (slot == 0) {
      out.ids.push_back(id);
      out.counts.push_back(count);
      slot = static_cast<std::uint32_t>(out.ids.size());
    } else {
      out.counts[slot - 1] += count;
    }
  });
  for (const std::uint32_t id : out.ids) slot_of_id_[id] = 0;
  return reducer_.drained_words() - words_before;
}

}  // namespace wcs
