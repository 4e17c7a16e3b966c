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

}  // namespace
}  // namespace wcs
