// The CPU backend's batch tables: ids come from the dictionary, stay right when the worker tables
// reuse them from an earlier batch, and when the dictionary was renumbered (compacted) in between.
#include <gtest/gtest.h>

#include <map>

#include "host/backend/cpu_backend.hpp"

namespace wcs {
namespace {

std::map<std::string, std::uint64_t> run_batch(cpu_backend& backend, dictionary& dict, const std::string& text) {
  backend.add_chunk({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  batch_table out;
  backend.finish_batch(dict, out);
  std::map<std::string, std::uint64_t> counts;
  for (std::size_t i = 0; i < out.size(); ++i) counts[std::string(dict.word(out.ids[i]))] += out.counts[i];
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

}  // namespace
}  // namespace wcs
