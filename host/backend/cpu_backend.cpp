#include "host/backend/cpu_backend.hpp"

#include "kernels/cpu/word_hash.hpp"
#include "kernels/tables/table_ops.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <numeric>

namespace wcs {

// The batch end, in three steps. A word counted by several workers appears once per worker table, so
// the tables' counts are merged by dictionary id into `out` (slot_of_id_ says where an id already is).
//  1. drain: every worker table is drained by its own task. A word whose id the table still holds is
//     known; the others must be looked up in the dictionary (all of them after a renumbering).
//  2. look up, table by table and in parallel, the words step 1 listed; those `out` already holds are
//     added there at once (a table holds each word once, so no two tasks add to one count).
//  3. merge the rest in order, interning the words the lookup did not find.
// Only table 0's task writes `out` during the drain, so it merges its known words there at once, and
// interns its unknown ones when a list gains nothing (see plan_drain).
std::uint64_t cpu_backend::finish_batch(dictionary& dict, batch_table& table) {
  table.clear();
  host_entries& out = table.edit_host();
  const std::uint64_t words_before = reducer_.drained_words();
  const bool renumbered = ids_.void_for(dict);
  if (dict.size() == 0 && !renumbered && reducer_.tables() > 1) return finish_first_batch(dict, out);
  const drain_plan plan = plan_drain(dict, renumbered);
  reserve_for(plan, dict, out);
  drain_tables(plan, dict, out);
  std::size_t listed = 0;
  for (const auto& table : drained_) listed += table.unknown_ids.size();
  make_room_for_ids(dict.size() + listed);
  for (auto& table : drained_) merge_listed(table, dict, out);
  for (const std::uint32_t id : out.ids) slot_of_id_[id] = 0;
  if (renumbered) {
    // The worker tables' ids are void: they start empty (which also frees the words they dropped).
    reducer_.clear();
    ids_.refresh(dict);
  }
  return reducer_.drained_words() - words_before;
}

cpu_backend::drain_plan cpu_backend::plan_drain(const dictionary& dict, bool renumbered) const {
  drain_plan plan;
  plan.renumbered = renumbered;
  plan.all_new = renumbered || dict.size() == 0;
  // Table 0 interns its own unknown words when no lookup could find them (an empty dictionary, and the
  // other tables then find most of their words among table 0's), or when it is the only table. A
  // stream's first batch with several tables, where no table holds an id either, takes
  // finish_first_batch instead.
  plan.table0_interns = dict.size() == 0 || reducer_.tables() == 1;
  return plan;
}

void cpu_backend::reserve_for(const drain_plan& plan, dictionary& dict, host_entries& out) {
  drained_.resize(reducer_.tables());
  const cpu_reducer::held_words held = reducer_.held();
  // Room for the ids table 0 can add (at most its words).
  make_room_for_ids(dict.size() + held.largest);
  // Room for all the tables hold, counted once per table, so that nothing is reallocated and copied
  // as it fills; reserving touches no memory.
  if (plan.all_new) {
    dict.reserve(held.words, held.bytes);
    out.ids.reserve(held.words);
    out.counts.reserve(held.words);
  }
  for (std::size_t t = 0; t < drained_.size(); ++t) {
    if (plan.lists_unknown(t)) drained_[t].unknown_ids.reserve(held.largest);
    if (!plan.all_new && t != 0) drained_[t].known_ids.reserve(held.largest);
  }
}

void cpu_backend::drain_tables(const drain_plan& plan, dictionary& dict, host_entries& out) {
  reducer_.drain([&](std::size_t t, std::string_view word, std::uint32_t& id, std::uint64_t count) {
    const bool unknown = plan.renumbered || id == local_word_table::no_id;
    if (!unknown) {
      if (t == 0) {
        merge(out, id, count);
      } else {
        drained_[t].known_ids.push_back({id, count});
      }
    } else if (plan.lists_unknown(t)) {
      drained_[t].unknown_ids.push_back({&id, word, hash_word(word), count, dictionary::no_id});
    } else {
      id = dict.intern(word);
      merge(out, id, count);
    }
  });
}

void cpu_backend::merge_listed(table_counts& table, dictionary& dict, host_entries& out) {
  auto& unknown = table.unknown_ids;
  // A lookup costs more than a merge: tasks look up, and add the words `out` already holds (count
  // zeroed: done).
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, unknown.size(), 4096), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      auto& u = unknown[i];
      u.found = dict.find(u.word, u.hash);
      if (u.found == dictionary::no_id || slot_of_id_[u.found] == 0) continue;
      *u.id = u.found;
      out.counts[slot_of_id_[u.found] - 1] += u.count;
      u.count = 0;
    }
  });
  for (const auto& u : unknown) {
    if (u.count == 0) continue;
    *u.id = u.found != dictionary::no_id ? u.found : dict.intern(u.word, u.hash);
    merge(out, *u.id, u.count);
  }
  for (const auto& k : table.known_ids) merge(out, k.id, k.count);
  table.unknown_ids.clear();
  table.known_ids.clear();
}

std::uint64_t cpu_backend::finish_first_batch(dictionary& dict, host_entries& out) {
  // No lookup can find a word here, and each table holds only this batch's words. Tasks share the
  // batch end table by table, over slot ranges: a word of table t that an earlier table holds takes
  // that table's id, and the others are numbered in table and slot order (the order a serial drain
  // would intern them in), laid out by prefix sums over the ranges and placed in the dictionary in
  // parallel. Ids are then dense from 0, so `out` is indexed by id.
  constexpr std::size_t range_slots = 4096;
  // A slot range's new words and their bytes; after the prefix sums, where they start among the table's.
  struct range_words {
    std::size_t words = 0;
    std::size_t bytes = 0;
  };
  const std::vector<local_word_table*> tables = reducer_.worker_tables();
  // Room for every table's words (counted once per table), so that no table's append moves what the
  // tables before it placed; reserving touches no memory.
  const cpu_reducer::held_words held = reducer_.held();
  dict.reserve(held.words, held.bytes);
  out.counts.reserve(held.words);
  std::vector<range_words> ranges;
  std::atomic<std::uint64_t> drained{0};
  using id_ref = std::uint32_t&;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    local_word_table& table = *tables[t];
    ranges.assign(table.capacity() / range_slots, {});
    tbb::parallel_for(std::size_t{0}, ranges.size(), [&](std::size_t r) {
      range_words fresh;
      table.visit_slots(r * range_slots, (r + 1) * range_slots, [&](std::string_view word, id_ref id, std::uint64_t) {
        // One key for every earlier table probed (none for table 0).
        const word_key key = t == 0 ? word_key{} : key_word(reinterpret_cast<const std::uint8_t*>(word.data()), word.size());
        for (std::size_t u = 0; u < t && id == local_word_table::no_id; ++u) {
          if (const std::uint32_t* known = tables[u]->id_of(word, key)) id = *known;
        }
        if (id != local_word_table::no_id) return;
        ++fresh.words;
        fresh.bytes += word.size();
      });
      ranges[r] = fresh;
    });
    range_words total;
    for (range_words& r : ranges) {
      const range_words here = r;
      r = total;
      total.words += here.words;
      total.bytes += here.bytes;
    }
    const std::uint64_t at = dict.arena_bytes();
    const dictionary::id_type first = dict.append(total.words, total.bytes);
    out.counts.resize(dict.size());
    tbb::parallel_for(std::size_t{0}, ranges.size(), [&](std::size_t r) {
      auto next = static_cast<dictionary::id_type>(first + ranges[r].words);
      std::uint64_t byte = at + ranges[r].bytes;
      drained += table.drain_slots(r * range_slots, (r + 1) * range_slots, [&](std::string_view word, id_ref id, std::uint64_t count) {
        if (id != local_word_table::no_id) {
          out.counts[id] += count;  // an earlier table's word: a table holds it once, so no other task adds here
          return;
        }
        id = next++;
        dict.place(id, byte, word, hash_word(word));
        byte += word.size();
        out.counts[id] = count;
      });
    });
    table.end_drain();
  }
  const auto words = static_cast<dictionary::id_type>(dict.size());
  dict.prepare_index(0);  // every id is new
  using id_range = tbb::blocked_range<dictionary::id_type>;
  tbb::parallel_for(id_range(0, words, 4096), [&](const id_range& r) { dict.index_placed(r.begin(), r.end()); });
  out.ids.resize(words);
  std::iota(out.ids.begin(), out.ids.end(), dictionary::id_type{0});
  reducer_.count_drained(drained);
  return drained;
}

void cpu_backend::make_room_for_ids(std::size_t ids) {
  if (slot_of_id_.size() < ids) slot_of_id_.resize(grown_size(static_cast<std::uint32_t>(ids)), 0);
}

}  // namespace wcs
