#pragma once
// Inputs and checks shared by the host-side kernel-logic tests and the device tests: the tokenizer's
// Unicode and malformed-UTF-8 cases, random streams, and a parity check of any backend against the
// CPU backend on batch, total and window views (as word -> count maps).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/backend/cpu_backend.hpp"
#include "host/tables/dictionary.hpp"
#include "tests/kernels/unicode_cases.hpp"

namespace wcs::test {

using word_counts = std::map<std::string, std::uint64_t>;

// hash_bytes golden values: FNV-1a (published test vectors for "a", "foobar") then murmur3's fmix64.
struct golden_hash {
  const char* word;
  std::uint64_t hash;
};
inline constexpr golden_hash golden_hashes[] = {
    {"", 0xefd01f60ba992926ull},           {"a", 0x82a2a958a9bece5bull},
    {"foobar", 0x2c22194922d1672bull},     {"the", 0xcb3ff435b889fb31ull},
    {"caf\xEF\xBF\xBD", 0x3b10ebb84762704cull}, {"\xE6\x97\xA5\xE6\x9C\xAC", 0x1230c55089fe4e43ull},
};

// The tokenizer's cases (tests/kernels/tokenize_test.cpp): every Python whitespace, look-alikes that
// are not whitespace, NUL, CR, and the JDK decoder's malformed-input counts.
inline std::vector<std::string> tokenizer_cases() {
  std::vector<std::string> cases;
  for (char32_t c : python_spaces) {
    cases.push_back("a" + utf8(c) + "b\n");
    cases.push_back(utf8(c) + utf8(c) + "x" + utf8(c) + "\n");
  }
  for (char32_t c : not_spaces) cases.push_back("a" + utf8(c) + "b a" + utf8(c) + "b\n");
  cases.push_back("The cable. cable the\n");
  cases.push_back(" \t\r\n ");
  cases.push_back(std::string("a\0b c\0 a\0b\n", 11));
  cases.push_back("one\rtwo\r\nthree\n");
  for (const char* bad : {"\xFF", "\xC3" "b", "x\xE2\x82 y", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\x80\x80",
                          "\xF0\x90\x80" "a", "caf\xE9 caf\xEF\xBF\xBD", "\x80\x80 \xBF"}) {
    cases.push_back(std::string(bad) + " " + bad + "\n");
  }
  cases.push_back("end\xF0\x9F\x98");  // partial sequence where the stream ends
  return cases;
}

// Random lines over a vocabulary with ASCII, non-ASCII, look-alike and malformed words and every
// kind of separator; whole lines only.
inline std::string random_lines(std::mt19937_64& rng, std::size_t lines, std::size_t vocabulary = 400) {
  static const std::vector<std::string> special = {
      "caf\xC3\xA9", "na\xC3\xAFve", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80", "a\xE2\x80\x8B" "b", "\xEF\xBB\xBFx",
      "caf\xE9", "\xFF", "\xC3", "\xED\xA0\x80x", "\xF0\x9F\x98", "caf\xEF\xBF\xBD", "don't", "\\", "cable.", "The"};
  static const std::vector<std::string> separators = {" ", " ", " ", "\t", "  ", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\xA8",
                                                      "\x1C", "\r\n", "\xC2\x85"};
  std::uniform_int_distribution<std::size_t> words_per_line(0, 12);
  std::uniform_int_distribution<std::size_t> pick_special(0, special.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_sep(0, separators.size() - 1);
  std::geometric_distribution<std::size_t> zipfish(0.02);
  std::string out;
  for (std::size_t l = 0; l < lines; ++l) {
    const std::size_t n = words_per_line(rng);
    for (std::size_t i = 0; i < n; ++i) {
      if (i != 0) out += separators[pick_sep(rng)];
      if (rng() % 8 == 0) {
        out += special[pick_special(rng)];
      } else {
        out += 'w';
        out += std::to_string(zipfish(rng) % vocabulary);
      }
    }
    out += '\n';
  }
  return out;
}

// Cuts text into chunks of whole lines of about `target` bytes.
inline std::vector<std::string> chunks_of(const std::string& text, std::size_t target) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = std::min(text.size(), begin + target);
    const std::size_t nl = text.find('\n', end == 0 ? 0 : end - 1);
    end = nl == std::string::npos ? text.size() : nl + 1;
    out.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

inline word_counts to_map(const batch_table& table, const dictionary& d) {
  const host_entries& t = table.host();
  word_counts m;
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_TRUE(m.emplace(std::string(d.word(t.ids[i])), t.counts[i]).second) << "id twice in one table";
  }
  return m;
}

inline void add_text(backend& b, const std::string& chunk) {
  b.add_chunk({reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()});
}

// Runs `batches` (each a list of chunks) through `tested` and the CPU backend and compares, per
// batch: the batch table and word count, the totals (a count table with +batch) and a window of
// `window` batches (+entering, -leaving, zeros kept), all as word -> count maps.
// compact_every > 0 emulates an engine with only a window view (zeros dropped): every so many batches
// the tested backend's dictionary is compacted to the window's live words, renumbering ids.
inline void expect_same_as_cpu(backend& tested, const std::vector<std::vector<std::string>>& batches, std::size_t window = 3,
                               std::size_t compact_every = 0) {
  cpu_backend cpu;
  dictionary cpu_dict;
  dictionary dict;
  auto cpu_totals = cpu.make_count_table();
  auto totals = tested.make_count_table();
  auto cpu_window = cpu.make_count_table();
  auto win = tested.make_count_table();
  std::vector<batch_table> cpu_history;
  std::vector<word_counts> history;  // the tested backend's batches as words (ids get renumbered)
  batch_table cpu_batch;
  batch_table batch;
  batch_table out;
  bool dropped_any = false;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    SCOPED_TRACE("batch " + std::to_string(b));
    for (const std::string& chunk : batches[b]) {
      add_text(cpu, chunk);
      add_text(tested, chunk);
    }
    EXPECT_EQ(tested.finish_batch(dict, batch), cpu.finish_batch(cpu_dict, cpu_batch)) << "words in the batch";
    const word_counts expected = to_map(cpu_batch, cpu_dict);
    EXPECT_EQ(to_map(batch, dict), expected) << "batch view";

    const bool keep_zero = compact_every == 0;
    if (keep_zero) {
      cpu_totals->apply(cpu_batch, +1);
      totals->apply(batch, +1);
      cpu_totals->collect(out, false);
      const word_counts expected_totals = to_map(out, cpu_dict);
      totals->collect(out, false);
      EXPECT_EQ(to_map(out, dict), expected_totals) << "total view";
    }

    cpu_window->apply(cpu_batch, +1);
    win->apply(batch, +1);
    cpu_history.push_back(cpu_batch);
    history.push_back(expected);
    if (cpu_history.size() > window) {
      cpu_window->apply(cpu_history[cpu_history.size() - window - 1], -1);
      // The leaving batch in the tested dictionary's current ids.
      batch_table leaving;
      for (const auto& [word, count] : history[history.size() - window - 1]) {
        leaving.edit_host().ids.push_back(dict.intern(word));
        leaving.edit_host().counts.push_back(count);
      }
      win->apply(leaving, -1);
    }
    cpu_window->collect(out, keep_zero);
    const word_counts expected_window = to_map(out, cpu_dict);
    win->collect(out, keep_zero);
    EXPECT_EQ(to_map(out, dict), expected_window) << "window view";

    if (!keep_zero && (b + 1) % compact_every == 0) {
      std::vector<bool> live(dict.size(), false);
      win->mark_live(live, false);
      const std::size_t before = dict.size();
      const std::vector<std::uint32_t> remap = dict.compact(live);
      dropped_any = dropped_any || dict.size() < before;
      win->remap(remap, dict.size());
    }
  }
  if (compact_every != 0) {
    EXPECT_TRUE(dropped_any) << "no compaction dropped a word: renumbering not exercised";
  }
}

}  // namespace wcs::test
