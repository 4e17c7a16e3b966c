// The CPU backend's batch tables: ids come from the dictionary, stay right when the worker tables
// reuse them from an earlier batch, and when the dictionary was renumbered (compacted) in between.
#include <gtest/gtest.h>

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "host/backend/cpu_backend.hpp"
#include "kernels/cpu/word_hash.hpp"

namespace wcs {
namespace {

std::map<std::string, std::uint64_t> run_batch(cpu_backend& backend, dictionary& dict, const std::string& text) {
  backend.add_chunk({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  batch_table table;
  backend.finish_batch(dict, table);
  const host_entries& out = table.host();
  std::map<std::string, std::uint64_t> counts;
  std::set<std::uint32_t> ids;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string_view word = dict.word(out.ids[i]);
    EXPECT_TRUE(ids.insert(out.ids[i]).second) << "id " << out.ids[i] << " twice in one batch";
    EXPECT_EQ(dict.find(word, hash_word(word)), out.ids[i]) << "the dictionary finds '" << word << "' elsewhere";
    counts[std::string(word)] += out.counts[i];
  }
  return counts;
}

TEST(CpuBackend, IdsSurviveReuseAndRenumbering) {
  cpu_backend backend;
  dictionary dict;
  EXPECT_EQ(run_batch(backend, dict, "a b c a\n"), (std::map<std::string, std::uint64_t>{{"a", 2}, {"b", 1}, {"c", 1}}));
  EXPECT_EQ(run_batch(backend, dict, "c c a\n"), (std::map<std::string, std::uint64_t>{{"a", 1}, {"c", 2}}));
  // Keep only "c": it gets id 0, the others are dropped; the backend must not reuse its cached ids.
  std::vector<bool> keep(dict.size(), false);
  keep[dict.intern("c")] = true;
  dict.compact(keep);
  EXPECT_EQ(run_batch(backend, dict, "b c d\n"), (std::map<std::string, std::uint64_t>{{"b", 1}, {"c", 1}, {"d", 1}}));
  EXPECT_EQ(run_batch(backend, dict, "d d b\n"), (std::map<std::string, std::uint64_t>{{"b", 1}, {"d", 2}}));
}

// Every batch brings new words (the dictionary grows batch by batch, not only in the first): counts
// stay right, and the words of earlier ids stay intact while the dictionary's storage grows.
TEST(CpuBackend, BatchesThatEachAddNewWords) {
  cpu_backend backend;
  dictionary dict;
  for (int batch = 0; batch < 300; ++batch) {
    std::string text = "the and of\n";
    std::map<std::string, std::uint64_t> expected{{"the", 1}, {"and", 1}, {"of", 1}};
    for (int j = 0; j < 1 + batch % 40; ++j) {
      const std::string word = "word" + std::to_string(batch) + "_" + std::to_string(j) + std::string(batch % 20, 'x');
      text += word + " " + word + "\n";
      expected[word] = 2;
    }
    ASSERT_EQ(run_batch(backend, dict, text), expected) << "batch " << batch;
  }
  EXPECT_EQ(dict.word(dict.intern("the")), "the");
  EXPECT_EQ(dict.word(dict.intern("word0_0")), "word0_0");
  EXPECT_EQ(dict.word(dict.intern("word299_0" + std::string(299 % 20, 'x'))), "word299_0" + std::string(299 % 20, 'x'));
}

// Several worker tables (a text of many slices, two threads): each holds its own copy of a word, and
// the batch end merges them by word, whether the word is new to the dictionary, known from an earlier
// batch, or known to one table and new to another; also after a renumbering.
TEST(CpuBackend, WordsOfSeveralWorkerTablesMergeOnce) {
  tbb::global_control two_threads(tbb::global_control::max_allowed_parallelism, 2);
  cpu_backend backend;
  dictionary dict;
  std::mt19937 rng(7);
  for (int batch = 0; batch < 4; ++batch) {
    // 3 MB of lines from a vocabulary that grows each batch, so later batches mix known and new words.
    const int vocabulary = 4000 * (batch + 1);
    std::string text;
    std::map<std::string, std::uint64_t> expected;
    while (text.size() < (3u << 20)) {
      for (int k = 0; k < 12; ++k) {
        std::string word = std::to_string(rng() % vocabulary);
        if (k % 3 == 0) word += "-longer-than-sixteen";
        text += word + (k == 11 ? "\n" : " ");
        ++expected[word];
      }
    }
    ASSERT_EQ(run_batch(backend, dict, text), expected) << "batch " << batch;
    if (batch == 1) {
      std::vector<bool> keep(dict.size(), false);
      for (std::size_t id = 0; id < keep.size(); id += 2) keep[id] = true;
      dict.compact(keep);
    }
  }
}

TEST(Dictionary, FindsOnlyWhatWasInterned) {
  dictionary dict;
  EXPECT_EQ(dict.find("a", hash_word("a")), dictionary::no_id);
  const auto a = dict.intern("a");
  const auto long_word = dict.intern("a-word-longer-than-sixteen-bytes");
  EXPECT_EQ(dict.find("a", hash_word("a")), a);
  EXPECT_EQ(dict.find("a-word-longer-than-sixteen-bytes", hash_word("a-word-longer-than-sixteen-bytes")), long_word);
  EXPECT_EQ(dict.find("b", hash_word("b")), dictionary::no_id);
}

// A batch end reserves room for the words the worker tables hold: interning them must not move the
// words already interned (a view of one stays valid).
TEST(Dictionary, InterningWithinReservedRoomMovesNothing) {
  dictionary dict;
  dict.intern("first");
  const std::vector<std::string> more{"a", "bb", "a-word-longer-than-sixteen-bytes", "dd"};
  std::size_t bytes = 0;
  for (const auto& w : more) bytes += w.size();
  dict.reserve(more.size(), bytes);
  const char* first = dict.word(0).data();
  for (const auto& w : more) dict.intern(w);
  EXPECT_EQ(dict.word(0).data(), first);
  EXPECT_EQ(dict.word(0), "first");
  EXPECT_EQ(dict.word(3), "a-word-longer-than-sixteen-bytes");
}

// Bulk interning (a first batch end): words placed by parallel tasks in two appends, past half of the
// smallest index (so preparing it grows it), are found at their ids; words interned before or after
// keep theirs.
TEST(Dictionary, BulkAppendedWordsAreFoundAtTheirIds) {
  dictionary dict;
  const auto before = dict.intern("interned-before");
  std::vector<std::string> words;
  for (int i = 0; i < 50000; ++i) words.push_back("w" + std::to_string(i) + std::string(i % 19, 'x'));
  const auto append = [&](std::size_t from, std::size_t to) {
    std::vector<std::uint64_t> at{dict.arena_bytes()};
    for (std::size_t i = from; i < to; ++i) at.push_back(at.back() + words[i].size());
    const auto first = dict.append(to - from, at.back() - at.front());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(from, to, 1000), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        dict.place(static_cast<dictionary::id_type>(first + i - from), at[i - from], words[i], hash_word(words[i]));
      }
    });
    return first;
  };
  const auto first = append(0, 20000);
  const auto second = append(20000, words.size());
  dict.prepare_index(first);
  tbb::parallel_for(tbb::blocked_range<dictionary::id_type>(first, static_cast<dictionary::id_type>(dict.size()), 1000),
                    [&](const tbb::blocked_range<dictionary::id_type>& r) { dict.index_placed(r.begin(), r.end()); });
  ASSERT_EQ(second, first + 20000);
  EXPECT_EQ(dict.size(), words.size() + 1);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto id = static_cast<dictionary::id_type>(first + i);
    ASSERT_EQ(dict.word(id), words[i]);
    ASSERT_EQ(dict.find(words[i], hash_word(words[i])), id);
  }
  EXPECT_EQ(dict.intern("interned-before"), before);
  EXPECT_EQ(dict.intern(words[123]), first + 123);
  EXPECT_EQ(dict.intern("interned-after"), words.size() + 1);
  EXPECT_EQ(dict.size(), words.size() + 2);
}

}  // namespace
}  // namespace wcs
