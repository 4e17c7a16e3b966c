// The CPU reduceByKey: per instruction set, the counts of the fused tokenize+probe kernel equal the
// reference tokenizer's on every input, across slices and batches; the worker tables keep the ids
// drains gave their words (also as they grow), and never let a 32-bit count wrap.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/cpu_reduce.hpp"
#include "tests/kernels/word_lists.hpp"

namespace wcs {
namespace {

using counts = std::map<std::string, std::uint64_t>;

counts reference_counts(const std::string& s) {
  counts out;
  for (const auto& w : test::words_sequential(s)) ++out[w];
  return out;
}

const std::uint8_t* bytes(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

// Long inputs, mostly ASCII words of every length around the 8-byte key, with Unicode whitespace,
// malformed UTF-8 and NUL mixed in: every path of the kernel (probe hits, new words, long words, open
// words across blocks, non-ASCII blocks, the sequential tail) is taken many times.
std::string random_text(std::mt19937_64& rng, std::size_t length) {
  const std::string pieces[] = {" ", " ", " ", "\n", "\r\n", "\t", "the", "of", "a", "and", "beginning", "abcdefgh",
                                "abcdefghi", "abcdefghijklmnopq", "x", "\xC2\xA0", "\xE3\x80\x80", "\xC3\xA9",
                                "\xFF", "\xE2\x82", std::string(1, '\0'), "word", "words", "\xF0\x9F\x8E\xB8"};
  std::string s;
  while (s.size() < length) s += pieces[rng() % std::size(pieces)];
  return s;
}

TEST(CpuReduce, CountsEqualTheReferencePerInstructionSet) {
  tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
  std::mt19937_64 rng(11);
  for (const auto& impl : simd::supported()) {
    for (int round = 0; round < 60; ++round) {
      const std::string text = random_text(rng, 1 + rng() % 5000);
      cpu_reducer reducer(impl, 64 + rng() % 700);  // small slices: many slice edges
      reducer.add({bytes(text), text.size()});
      counts got;
      reducer.drain([&](std::size_t, std::string_view w, std::uint32_t&, std::uint64_t c) { got[std::string(w)] += c; });
      const counts want = reference_counts(text);
      ASSERT_EQ(got, want) << impl.name << " on " << ::testing::PrintToString(text);
      std::uint64_t total = 0;
      for (const auto& [w, c] : want) total += c;
      EXPECT_EQ(reducer.drained_words(), total);
    }
  }
}

TEST(CpuReduce, TablesKeepIdsAcrossBatchesUntilCleared) {
  cpu_reducer reducer;
  const std::string first = "alpha beta gamma alpha a-very-long-word-indeed\n";
  reducer.add({bytes(first), first.size()});
  std::map<std::string, std::uint32_t> ids;
  // Short single-slice chunks: counted on this thread, one table (so the drains below are serial).
  reducer.drain([&](std::size_t, std::string_view w, std::uint32_t& id, std::uint64_t) {
    EXPECT_EQ(id, local_word_table::no_id) << w;
    id = static_cast<std::uint32_t>(ids.size());
    ids[std::string(w)] = id;
  });
  const std::string second = "beta a-very-long-word-indeed delta beta\n";
  reducer.add({bytes(second), second.size()});
  counts got;
  reducer.drain([&](std::size_t, std::string_view w, std::uint32_t& id, std::uint64_t c) {
    got[std::string(w)] = c;
    const auto known = ids.find(std::string(w));
    EXPECT_EQ(id, known == ids.end() ? local_word_table::no_id : known->second) << w;
  });
  EXPECT_EQ(got, (counts{{"beta", 2}, {"a-very-long-word-indeed", 1}, {"delta", 1}}));
  reducer.clear();
  reducer.add({bytes(second), second.size()});
  reducer.drain([&](std::size_t, std::string_view w, std::uint32_t& id, std::uint64_t) { EXPECT_EQ(id, local_word_table::no_id) << w; });
}

TEST(LocalWordTable, CountsSpillInsteadOfWrapping) {
  local_word_table table(3);  // slots hold at most 3 before spilling
  const std::string words[] = {"w", "longer-than-sixteen-bytes", "x"};
  for (int k = 0; k < 1000; ++k) {
    const std::string& w = words[k % 3 == 2 ? 2 : k % 2];
    table.reserve(1);
    table.add(bytes(w), w.size(), key_word(bytes(w), w.size()));
  }
  counts got;
  table.drain([&](std::string_view w, std::uint32_t&, std::uint64_t c) { got[std::string(w)] = c; });
  counts want;
  for (int k = 0; k < 1000; ++k) ++want[words[k % 3 == 2 ? 2 : k % 2]];
  EXPECT_EQ(got, want);
}

// A table that doubles (65,536 slots hold at most 49,152 words) keeps every word with its count, the
// counts spilled before it grew, and the ids a drain gave. Words of every key length: up to 8 bytes, 9..16
// and longer are placed again by different hashes.
TEST(LocalWordTable, GrowingKeepsCountsSpilledCountsAndIds) {
  local_word_table table(4000);  // spills every 4,000 words, so spilled counts are in flight as it grows
  const auto word = [](std::size_t k) {
    std::string w(1 + k % 3 * 7, 'w');
    w += std::to_string(k);
    return w;
  };
  const auto count = [&](const std::string& w, counts& want) {
    table.reserve(1);
    table.add(bytes(w), w.size(), key_word(bytes(w), w.size()));
    ++want[w];
  };
  // Batch 1: 150,000 words, twice past the limit; a few counted often.
  counts want;
  for (std::size_t k = 0; k < 150000; ++k) {
    count(word(k), want);
    count(word(k % 100), want);
  }
  ASSERT_EQ(table.size(), 150000u);
  counts got;
  std::map<std::string, std::uint32_t> ids;
  table.drain([&](std::string_view w, std::uint32_t& id, std::uint64_t n) {
    got[std::string(w)] = n;
    id = static_cast<std::uint32_t>(ids.size());
    ids[std::string(w)] = id;
  });
  ASSERT_EQ(got, want);

  // Batch 2: some of those and 60,000 new words, so it grows again while holding ids.
  want.clear();
  for (std::size_t k = 0; k < 210000; k += k < 150000 ? 7 : 1) count(word(k), want);
  got.clear();
  table.drain([&](std::string_view w, std::uint32_t& id, std::uint64_t n) {
    got[std::string(w)] = n;
    const auto known = ids.find(std::string(w));
    EXPECT_EQ(id, known == ids.end() ? local_word_table::no_id : known->second) << w;
  });
  EXPECT_EQ(got, want);
}

// A drain reports exactly the words counted since the one before, wherever their slots are (the drain
// reads 64 slots at a time), with spilled counts too (a limit of 3; every spill reads the whole table,
// so that case stays small), and none after a batch of nothing.
TEST(LocalWordTable, DrainReportsOnlyWordsCountedSinceTheLastDrain) {
  struct setup {
    std::uint64_t limit;
    std::size_t vocabulary;
    std::size_t most_words;
  };
  for (const setup& c : {setup{3, 1500, 1500}, setup{std::numeric_limits<std::uint32_t>::max(), 20000, 30000}}) {
    local_word_table table(c.limit);
    std::vector<std::string> vocabulary;
    for (std::size_t k = 0; k < c.vocabulary; ++k) vocabulary.push_back("w" + std::to_string(k));
    std::mt19937_64 rng(5);
    for (int round = 0; round < 6; ++round) {
      counts want;
      const std::size_t words = round == 0 ? vocabulary.size() : round == 3 ? 0 : 1 + rng() % c.most_words;
      for (std::size_t k = 0; k < words; ++k) {
        // Round 0 brings every word; later rounds count a scattered tenth of them, many times over.
        const std::string& w = round == 0 ? vocabulary[k] : vocabulary[rng() % (c.vocabulary / 10) * 7 % c.vocabulary];
        table.reserve(1);
        table.add(bytes(w), w.size(), key_word(bytes(w), w.size()));
        ++want[w];
      }
      counts got;
      table.drain([&](std::string_view w, std::uint32_t&, std::uint64_t n) {
        EXPECT_EQ(got.count(std::string(w)), 0u) << w;
        got[std::string(w)] = n;
      });
      ASSERT_EQ(got, want) << "round " << round << " limit " << c.limit;
    }
  }
}

}  // namespace
}  // namespace wcs
