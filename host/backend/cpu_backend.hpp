#pragma once
#include <string_view>
#include <vector>

#include "host/backend/backend.hpp"
#include "kernels/cpu/cpu_reduce.hpp"

namespace wcs {

class cpu_backend final : public backend {
 public:
  std::string_view name() const override { return "cpu"; }
  void add_chunk(std::span<const std::uint8_t> text) override { reducer_.add(text); }
  std::uint64_t finish_batch(dictionary& dict, batch_table& out) override;

 private:
  // What one worker table held for the batch: words with a known id, and words to look up.
  struct table_counts {
    struct known {
      std::uint32_t id;
      std::uint64_t count;
    };
    struct unknown {
      std::uint32_t* id;  // where the table keeps the word's id
      std::string_view word;
      std::uint64_t hash;  // hash_word(word), computed in the parallel drain
      std::uint64_t count;
      std::uint32_t found;  // the dictionary's id for the word, looked up in parallel (no_id: absent)
    };
    std::vector<known> known_ids;
    std::vector<unknown> unknown_ids;
  };

  // finish_batch when the dictionary is empty and no worker table holds an id (a stream's first batch),
  // with several worker tables: tasks share it. One table interns serially, which costs less than the
  // shared path's extra pass and atomic index claims.
  std::uint64_t finish_first_batch(dictionary& dict, batch_table& out);
  // Sizes slot_of_id_ for every id below `ids`.
  void make_room_for_ids(std::size_t ids);

  cpu_reducer reducer_;
  std::vector<table_counts> drained_;
  std::vector<std::uint32_t> slot_of_id_;  // id -> position in out + 1 while merging (0: absent)
  std::uint64_t generation_ = 0;           // the dictionary's generation the reducer's ids belong to
};

}  // namespace wcs
