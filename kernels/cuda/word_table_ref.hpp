#pragma once
// The device word table: open addressing (linear probing) keyed by word bytes, the hashed
// reduceByKey of the GPU path. Per-thread operations over a trivially copyable ref, as in
// cuCollections; every kernel is a grid-stride loop calling one of them.
//
// A slot's key is one 64-bit word, claimed by atomic_cas, so a key is never seen half-written:
//   0                 empty
//   w + 1             word w of the current chunk (bytes still in the chunk's input/scratch)
//   arena_bit | off   a word stored in the arena at byte `off`: uint32 length, then the bytes
// After each chunk, `materialize` moves the chunk's new words to the arena, so words are stored once
// and the input buffer may be reused. Values per slot: the open batch's count (atomic) and the host
// dictionary id once known (no_id until the batch's end interns the word).
#include <cstdint>

#include "kernels/common/atomics.hpp"
#include "kernels/common/hd.hpp"
#include "kernels/cuda/batch_result.hpp"
#include "kernels/cuda/counters.hpp"
#include "kernels/cuda/hash.hpp"
#include "kernels/cuda/tokenize_ref.hpp"

namespace wcs::cuda {

inline constexpr std::uint64_t arena_bit = std::uint64_t{1} << 63;

// Arena bytes of a word: its length (4 bytes) and bytes, padded to 4 so lengths stay aligned.
WCS_HD std::uint64_t arena_entry_bytes(std::uint32_t n) { return 4 + ((std::uint64_t{n} + 3) & ~std::uint64_t{3}); }

WCS_HD bool same_bytes(word_span a, word_span b) {
  if (a.n != b.n) return false;
  for (std::uint32_t i = 0; i < a.n; ++i) {
    if (a.p[i] != b.p[i]) return false;
  }
  return true;
}

struct word_table_ref {
  std::uint64_t* keys;
  std::uint64_t* counts;
  std::uint32_t* ids;
  std::uint64_t mask;            // capacity - 1 (capacity: a power of two)
  std::uint32_t fill_limit;      // at most this many occupied slots
  std::uint32_t* touched;        // slots counted in the open batch (capacity entries)
  std::uint32_t* new_slots;      // slots claimed by the current chunk (capacity entries)
  std::uint8_t* arena;
  pass_counters* counters;
  chunk_words chunk;
  std::uint32_t* retry_out;      // words to insert again after growth

  WCS_HD word_span key_word(std::uint64_t key) const {
    if (key & arena_bit) {
      const std::uint8_t* e = arena + (key & ~arena_bit);
      const std::uint32_t n = std::uint32_t{e[0]} | std::uint32_t{e[1]} << 8 | std::uint32_t{e[2]} << 16 |
                              std::uint32_t{e[3]} << 24;
      return {e + 4, n};
    }
    return chunk.word(static_cast<std::uint32_t>(key - 1));
  }

  // Counts one occurrence of chunk word w: finds or claims its slot, then adds 1 to the slot's count.
  // When claiming would pass the fill limit, w goes to retry_out instead (the host grows the table).
  WCS_HD void insert(std::uint32_t w) const {
    const word_span word = chunk.word(w);
    std::uint64_t slot = hash_bytes(word.p, word.n) & mask;
    for (;;) {
      std::uint64_t key = atomic_load(&keys[slot]);
      if (key == 0) {
        // Reserve a fill unit first, so concurrent claims can never pass the limit.
        if (atomic_add(&counters->filled, 1u) >= fill_limit) {
          atomic_add(&counters->filled, ~0u);
          retry_out[atomic_add(&counters->retries, 1u)] = w;
          return;
        }
        key = atomic_cas(&keys[slot], 0, std::uint64_t{w} + 1);
        if (key == 0) {
          ids[slot] = no_id;
          new_slots[atomic_add(&counters->new_slots, 1u)] = static_cast<std::uint32_t>(slot);
          atomic_add(&counters->new_bytes, arena_entry_bytes(word.n));
          break;
        }
        atomic_add(&counters->filled, ~0u);  // lost the race: compare with the winner's word
      }
      if (same_bytes(key_word(key), word)) break;
      slot = (slot + 1) & mask;
    }
    if (atomic_add(&counts[slot], std::uint64_t{1}) == 0) touched[atomic_add(&counters->touched, 1u)] = static_cast<std::uint32_t>(slot);
  }

  // Moves the word of new slot j from the chunk to the arena (space reserved by the host).
  WCS_HD void materialize(std::size_t j) const {
    const std::uint32_t slot = new_slots[j];
    const word_span word = key_word(keys[slot]);
    const std::uint64_t off = atomic_add(&counters->arena_used, arena_entry_bytes(word.n));
    std::uint8_t* e = arena + off;
    for (int b = 0; b < 4; ++b) e[b] = static_cast<std::uint8_t>(word.n >> (8 * b));
    for (std::uint32_t i = 0; i < word.n; ++i) e[4 + i] = word.p[i];
    keys[slot] = arena_bit | off;
  }

  // Growth: places old slot i (key, count, id) into this (larger) table. Keys are distinct, so only
  // an empty slot is looked for. Rebuilds the touched and new-slot lists.
  WCS_HD void rehash(const std::uint64_t* old_keys, const std::uint64_t* old_counts, const std::uint32_t* old_ids,
                     std::size_t i) const {
    const std::uint64_t key = old_keys[i];
    if (key == 0) return;
    const word_span word = key_word(key);
    std::uint64_t slot = hash_bytes(word.p, word.n) & mask;
    while (atomic_cas(&keys[slot], 0, key) != 0) slot = (slot + 1) & mask;
    atomic_add(&counters->filled, 1u);
    counts[slot] = old_counts[i];
    ids[slot] = old_ids[i];
    if (!(key & arena_bit)) new_slots[atomic_add(&counters->new_slots, 1u)] = static_cast<std::uint32_t>(slot);
    if (old_counts[i] != 0) touched[atomic_add(&counters->touched, 1u)] = static_cast<std::uint32_t>(slot);
  }

  // End of batch, entry t of the touched list: its id (no_id: the host must intern it) and count.
  WCS_HD void collect(std::uint32_t* out_ids, std::uint64_t* out_counts, std::size_t t) const {
    const std::uint32_t slot = touched[t];
    const std::uint32_t id = ids[slot];
    out_ids[t] = id;
    out_counts[t] = counts[slot];
    if (id != no_id) atomic_max(&counters->max_known_id, id);
  }

  // Fresh entry k (touched-list entry fresh[k]): the length of its word, then its bytes at offsets[k].
  WCS_HD void measure_fresh(const std::uint32_t* fresh, std::uint64_t* lengths, std::size_t k) const {
    lengths[k] = key_word(keys[touched[fresh[k]]]).n;
  }
  WCS_HD void gather(const std::uint32_t* fresh, const std::uint64_t* offsets, std::uint8_t* out, std::size_t k) const {
    const word_span word = key_word(keys[touched[fresh[k]]]);
    for (std::uint32_t i = 0; i < word.n; ++i) out[offsets[k] + i] = word.p[i];
  }

  // Closes the batch for entry t: count back to 0, and its id (settled: the collected ids with the
  // host's for the fresh entries) stored when the host sent new ones.
  WCS_HD void settle(const std::uint32_t* settled, std::size_t t) const {
    const std::uint32_t slot = touched[t];
    counts[slot] = 0;
    if (settled != nullptr) ids[slot] = settled[t];
  }
};

struct insert_body {
  word_table_ref t;
  const std::uint32_t* list;  // word indices (a retry list), or nullptr: word i
  WCS_HD void operator()(std::size_t i) const { t.insert(list != nullptr ? list[i] : static_cast<std::uint32_t>(i)); }
};
struct materialize_body {
  word_table_ref t;
  WCS_HD void operator()(std::size_t j) const { t.materialize(j); }
};
struct rehash_body {
  word_table_ref t;
  const std::uint64_t* old_keys;
  const std::uint64_t* old_counts;
  const std::uint32_t* old_ids;
  WCS_HD void operator()(std::size_t i) const { t.rehash(old_keys, old_counts, old_ids, i); }
};
struct collect_body {
  word_table_ref t;
  std::uint32_t* ids;
  std::uint64_t* counts;
  WCS_HD void operator()(std::size_t i) const { t.collect(ids, counts, i); }
};
// Scan input over the collected ids: 1 for an entry without id.
struct fresh_flag {
  const std::uint32_t* ids;
  WCS_HD std::uint32_t operator()(std::size_t t) const { return ids[t] == no_id ? 1u : 0u; }
};
// The fresh entries' positions in the touched list, in that order (position: inclusive scan of fresh_flag).
struct list_fresh_body {
  fresh_flag fresh;
  const std::uint32_t* position;
  std::uint32_t* out;
  WCS_HD void operator()(std::size_t t) const {
    if (fresh(t)) out[position[t] - 1] = static_cast<std::uint32_t>(t);
  }
};
struct measure_fresh_body {
  word_table_ref t;
  const std::uint32_t* fresh;
  std::uint64_t* lengths;
  WCS_HD void operator()(std::size_t k) const { t.measure_fresh(fresh, lengths, k); }
};
struct gather_body {
  word_table_ref t;
  const std::uint32_t* fresh;
  const std::uint64_t* offsets;
  std::uint8_t* out;
  WCS_HD void operator()(std::size_t k) const { t.gather(fresh, offsets, out, k); }
};
// The host's id for fresh entry k into the collected ids.
struct place_fresh_body {
  const std::uint32_t* fresh;
  const std::uint32_t* host_ids;
  std::uint32_t* ids;
  WCS_HD void operator()(std::size_t k) const { ids[fresh[k]] = host_ids[k]; }
};
struct settle_body {
  word_table_ref t;
  const std::uint32_t* settled;
  WCS_HD void operator()(std::size_t i) const { t.settle(settled, i); }
};
struct forget_ids_body {
  std::uint32_t* ids;
  WCS_HD void operator()(std::size_t i) const { ids[i] = no_id; }
};

}  // namespace wcs::cuda
