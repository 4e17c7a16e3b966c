#include "host/tables/dictionary_policy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace wcs {

void dictionary_policy::vocabulary_sample::take(const dictionary& dict, const batch_table& batch, bool now) {
  if (!now && batch.resident() != nullptr) {
    unsampled.assign(batch);
    pending = true;
    return;
  }
  // Sampled by hash (its top 6 bits zero: 1 word in 64), so a word of two batches is in both samples.
  constexpr unsigned sample_shift = 58;
  hashes.clear();
  for (const std::uint32_t id : batch.host().ids) {
    if (const std::uint64_t h = dict.hash(id); h >> sample_shift == 0) hashes.push_back(h);
  }
  std::sort(hashes.begin(), hashes.end());
  unsampled.clear();
  pending = false;
}

const std::vector<std::uint64_t>& dictionary_policy::vocabulary_sample::get(const dictionary& dict) {
  if (pending) take(dict, unsampled, true);  // reads unsampled before clearing it
  return hashes;
}

void dictionary_policy::vocabulary_sample::clear() {
  hashes.clear();
  unsampled.clear();
  pending = false;
}

void dictionary_policy::sample(const dictionary& dict, const batch_table& batch) {
  // Only compaction reads the reuse, comparing with the batch before's sample: below half the threshold
  // the dictionary is not near a compaction, and a batch costs no sample.
  if (dict.size() * 2 < compact_at_) {
    last_.clear();
    before_.clear();
    return;
  }
  std::swap(before_, last_);
  last_.take(dict, batch, false);
}

std::vector<std::uint32_t> dictionary_policy::compact(dictionary& dict, const batch_table& batch, std::vector<bool>& live) {
  // `batch` is the one sampled last: its own host copy, fetched once, serves the sample and the words kept.
  if (last_.pending) last_.take(dict, batch, true);
  const std::vector<std::uint64_t>& sample = last_.get(dict);
  const std::vector<std::uint64_t>& earlier = before_.get(dict);
  const auto reused = std::count_if(sample.begin(), sample.end(), [&](std::uint64_t h) {
    return std::binary_search(earlier.begin(), earlier.end(), h);
  });
  const double reuse = sample.empty() ? 0 : static_cast<double>(reused) / static_cast<double>(sample.size());
  before_.clear();  // its ids are void after the compaction; last_ holds hashes only now
  // When the stream reuses most of its vocabulary from batch to batch, the batch just closed keeps its
  // words too: otherwise a stateless stream with more distinct words per batch than the threshold
  // emptied the dictionary, and voided the worker tables' ids, after every batch. When the vocabulary
  // moves on (a long tail of words seen once), starting empty costs less than carrying the words.
  if (reuse >= 0.5) {
    for (const std::uint32_t id : batch.host().ids) live[id] = true;
  }
  const std::size_t before = dict.size();
  std::vector<std::uint32_t> remap;
  if (static_cast<std::size_t>(std::count(live.begin(), live.end(), true)) != before) {
    remap = dict.compact(live);
    spdlog::debug("dictionary compacted: {} -> {} words (the last batch reused {:.0f}% of its sampled words)", before,
                  dict.size(), 100 * reuse);
  }
  compact_at_ = std::max(min_compact_at, 2 * dict.size());
  return remap;
}

}  // namespace wcs
