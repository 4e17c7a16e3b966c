#pragma once
// When the dictionary is compacted and what it keeps, so memory follows what the stream needs, not its
// length. The dictionary reaching a threshold (twice what the last compaction kept) calls for a
// compaction; the views say which words they still need; the last batch's words are kept as well when
// the stream reuses most of its vocabulary from batch to batch (a sample of each batch's words tells).
#include <cstdint>
#include <vector>

#include "host/tables/batch_table.hpp"
#include "host/tables/dictionary.hpp"

namespace wcs {

class dictionary_policy {
 public:
  // After each batch's table is made: samples its words when a compaction is near.
  void sample(const dictionary& dict, const batch_table& batch);
  // Whether the dictionary should be compacted now.
  bool due(const dictionary& dict) const { return dict.size() >= compact_at_; }
  // Compacts to the words set in `live` (what the views need) and, when the stream reuses its
  // vocabulary, the words of `batch` (the batch sampled last). Returns old id -> new id, or nothing when no word was dropped
  // (renumbering then would only void the ids the backend caches). Sets the next threshold.
  std::vector<std::uint32_t> compact(dictionary& dict, const batch_table& batch, std::vector<bool>& live);

 private:
  // The hashes of a sample of a batch's words (1 in 64, by hash, sorted). A batch left in device memory
  // is kept (shared, not copied) and sampled only when a compaction asks, so it is copied back then
  // and not at every batch; its ids stay valid until that compaction.
  struct vocabulary_sample {
    std::vector<std::uint64_t> hashes;
    batch_table unsampled;
    bool pending = false;  // hashes are still to be taken from `unsampled`

    // Samples `batch` now, or (later: not now) keeps it when it is in device memory.
    void take(const dictionary& dict, const batch_table& batch, bool now);
    const std::vector<std::uint64_t>& get(const dictionary& dict);
    void clear();
  };

  static constexpr std::size_t min_compact_at = std::size_t{1} << 16;
  std::size_t compact_at_ = min_compact_at;
  // The last batch's sample and the one before: the share of the first that the second holds too is how
  // much of its vocabulary the stream reuses from batch to batch.
  vocabulary_sample last_;
  vocabulary_sample before_;
};

}  // namespace wcs
