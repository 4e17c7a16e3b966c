#include "host/backend/cpu_backend.hpp"

namespace wcs {

std::uint64_t cpu_backend::finish_batch(dictionary& dict, batch_table& out) {
  out.clear();
  const std::uint64_t words_before = reducer_.drained_words();
  // Ids the worker tables keep from earlier batches are void once the dictionary was renumbered: look
  // every word up again, then let the tables start empty (which also frees the dropped words).
  const bool renumbered = dict.generation() != generation_;
  // A word counted by several workers appears once per worker: merge by id.
  reducer_.drain([&](std::string_view word, std::uint32_t& id, std::uint64_t count) {
    if (renumbered || id == local_word_table::no_id) id = dict.intern(word);
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
  if (renumbered) {
    reducer_.clear();
    generation_ = dict.generation();
  }
  return reducer_.drained_words() - words_before;
}

}  // namespace wcs
