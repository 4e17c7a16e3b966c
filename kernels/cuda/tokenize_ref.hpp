#pragma once
// Tokenization of one chunk on the GPU, as per-thread bodies over a trivially copyable ref (compiled by
// nvcc for the kernels and by the host compiler for tests). The rule itself is kernels/tokenize: each
// byte decides alone whether it is whitespace or malformed (classify_byte), so:
//   classify      one thread per byte: class bits (space, malformed); a word starts after a space
//   [scan]        word_index[i] = number of word starts in [0, i]   (executor's inclusive_sum)
//   scatter       one thread per byte: word starts/ends into the word list, count malformed bytes
// and, only when the chunk holds malformed UTF-8 (rare):
//   mark_repair   one thread per byte: flags the words holding a malformed byte
//   measure       one thread per word: total repaired length, to size the scratch
//   repair        one thread per word: repair_word into scratch; the word now points there
#include <cstdint>

#include "kernels/common/atomics.hpp"
#include "kernels/common/hd.hpp"
#include "kernels/cuda/counters.hpp"
#include "kernels/tokenize/tokenize.hpp"

namespace wcs::cuda {

inline constexpr std::uint8_t class_space = 1;
inline constexpr std::uint8_t class_malformed = 2;

// A word starts at byte i when byte i is not whitespace and the byte before it is (or i is 0).
WCS_HD bool starts_word(const std::uint8_t* cls, std::size_t i) {
  return !(cls[i] & class_space) && (i == 0 || (cls[i - 1] & class_space));
}

struct word_span {
  const std::uint8_t* p;
  std::uint32_t n;
};

// The words of one chunk. Word w is [starts[w], ends[w]) of the chunk space: the input bytes [0, n)
// followed by the scratch of repaired words.
struct chunk_words {
  const std::uint8_t* input;
  std::uint32_t n;
  const std::uint8_t* scratch;
  const std::uint32_t* starts;
  const std::uint32_t* ends;

  WCS_HD word_span word(std::uint32_t w) const {
    const std::uint32_t s = starts[w];
    const std::uint8_t* p = s < n ? input + s : scratch + (s - n);
    return {p, ends[w] - s};
  }
};

struct tokenize_ref {
  const std::uint8_t* input;
  std::uint32_t n;
  std::uint8_t* cls;           // n class bytes
  std::uint32_t* word_index;   // n inclusive counts of word starts
  std::uint32_t* starts;       // word list (capacity n / 2 + 1)
  std::uint32_t* ends;
  std::uint32_t* repair;       // per word, 1: holds malformed UTF-8 (zeroed before mark_repair)
  std::uint8_t* scratch;       // repaired words
  pass_counters* counters;

  WCS_HD void classify(std::size_t i) const {
    const byte_class b = classify_byte(input, n, i);
    cls[i] = static_cast<std::uint8_t>((b.space ? class_space : 0) | (b.malformed ? class_malformed : 0));
  }

  WCS_HD void scatter(std::size_t i) const {
    if (i + 1 == n) counters->words = word_index[i];
    const std::uint8_t c = cls[i];
    if (c & class_space) return;
    const std::uint32_t w = word_index[i] - 1;
    if (starts_word(cls, i)) starts[w] = static_cast<std::uint32_t>(i);
    if (i + 1 == n || (cls[i + 1] & class_space)) ends[w] = static_cast<std::uint32_t>(i + 1);
    if (c & class_malformed) atomic_add(&counters->malformed, 1u);
  }

  WCS_HD void mark_repair(std::size_t i) const {
    if (cls[i] & class_malformed) atomic_or(&repair[word_index[i] - 1], 1u);
  }

  WCS_HD void measure(std::size_t w) const {
    if (repair[w] == 0) return;
    atomic_add(&counters->repair_bytes, std::uint64_t{repaired_length(input + starts[w], ends[w] - starts[w])});
  }

  WCS_HD void repair_one(std::size_t w) const {
    if (repair[w] == 0) return;
    const std::uint8_t* p = input + starts[w];
    const std::size_t len = ends[w] - starts[w];
    const std::uint64_t out_len = repaired_length(p, len);
    const std::uint64_t off = atomic_add(&counters->scratch_used, out_len);
    repair_word(p, len, scratch + off);
    starts[w] = static_cast<std::uint32_t>(n + off);
    ends[w] = static_cast<std::uint32_t>(n + off + out_len);
  }

  chunk_words words() const { return {input, n, scratch, starts, ends}; }
};

// Scan input: 1 at word starts.
struct start_flag {
  const std::uint8_t* cls;
  WCS_HD std::uint32_t operator()(std::size_t i) const { return starts_word(cls, i) ? 1u : 0u; }
};

// The kernel bodies: body(i) is what GPU thread i (grid-stride) or host iteration i runs.
struct classify_body {
  tokenize_ref t;
  WCS_HD void operator()(std::size_t i) const { t.classify(i); }
};
struct scatter_body {
  tokenize_ref t;
  WCS_HD void operator()(std::size_t i) const { t.scatter(i); }
};
struct mark_repair_body {
  tokenize_ref t;
  WCS_HD void operator()(std::size_t i) const { t.mark_repair(i); }
};
struct measure_body {
  tokenize_ref t;
  WCS_HD void operator()(std::size_t w) const { t.measure(w); }
};
struct repair_body {
  tokenize_ref t;
  WCS_HD void operator()(std::size_t w) const { t.repair_one(w); }
};

}  // namespace wcs::cuda
