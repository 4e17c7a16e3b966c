#pragma once
// Random word streams for the view and checkpoint tests, and the brute-force oracle: plain maps of
// word -> count per batch, summed directly.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/tables/batch_table.hpp"
#include "host/tables/dictionary.hpp"
#include "host/engine/view.hpp"

namespace wcs::test {

using word_counts = std::map<std::string, std::uint64_t>;

// The seed of a randomized test: WCS_TEST_SEED when set (to replay a failure), else fixed.
inline std::uint64_t base_seed() {
  const char* s = std::getenv("WCS_TEST_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : 20261123;
}

// Batches over a vocabulary that drifts, so words enter, leave every window and come back; some
// batches are empty; batch sizes vary.
class random_stream {
 public:
  random_stream(std::uint64_t seed, std::size_t vocabulary) : rng_(seed) {
    const char* stems[] = {"w", "don't", "\xc3\xa9t\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac"};  // été, 日本
    for (std::size_t i = 0; i < vocabulary; ++i) words_.push_back(stems[i % 4] + std::to_string(i));
  }

  word_counts next() {
    word_counts batch;
    if (pick(0, 6) == 0) return batch;
    const std::size_t span = std::min<std::size_t>(words_.size(), 12);
    const std::size_t first = (drift_ += pick(0, 2)) % words_.size();
    const std::size_t distinct = pick(1, span);
    for (std::size_t i = 0; i < distinct; ++i) {
      batch[words_[(first + pick(0, span - 1)) % words_.size()]] += pick(1, 5);
    }
    return batch;
  }

  std::size_t pick(std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_); }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> words_;
  std::size_t drift_ = 0;
};

// What a backend's finish_batch produces: one entry per distinct word, ids from `dict`.
inline batch_table to_table(const word_counts& batch, dictionary& dict, std::int64_t batch_ms) {
  batch_table t;
  t.batch_ms = batch_ms;
  host_entries& e = t.edit_host();
  for (const auto& [w, n] : batch) {
    e.ids.push_back(dict.intern(w));
    e.counts.push_back(n);
  }
  return t;
}

// A view's output as words (every id once).
inline word_counts output_words(const view& v, const dictionary& dict) {
  batch_table scratch;
  const host_entries& out = v.output(scratch).host();
  word_counts words;
  for (std::size_t i = 0; i < out.size(); ++i) words.emplace(std::string(dict.word(out.ids[i])), out.counts[i]);
  return words;
}

// The engine's compaction step: keep what any view needs, renumber.
inline void compact(dictionary& dict, const std::vector<view*>& views) {
  std::vector<bool> live(dict.size(), false);
  for (const view* v : views) v->mark_live(live);
  const std::vector<std::uint32_t> remap = dict.compact(live);
  for (view* v : views) v->remap(remap, dict.size());
}

// Count tables from the CPU backend, as the engine gets them.
inline backend& cpu_backend() {
  static const std::unique_ptr<backend> b = make_backend(backend_kind::cpu);
  return *b;
}

}  // namespace wcs::test
