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

  // How finish_batch drains this batch's worker tables.
  struct drain_plan {
    bool renumbered = false;      // every id the tables hold is void: every word is looked up
    bool all_new = false;         // renumbered or an empty dictionary: no word is in it yet
    bool table0_interns = false;  // table 0's task interns its unknown words instead of listing them
    bool lists_unknown(std::size_t t) const { return t != 0 || !table0_interns; }
  };
  drain_plan plan_drain(const dictionary& dict, bool renumbered) const;
  void reserve_for(const drain_plan& plan, dictionary& dict, host_entries& out);
  void drain_tables(const drain_plan& plan, dictionary& dict, host_entries& out);
  // Looks up and merges the words one table listed, then its known ids.
  void merge_listed(table_counts& table, dictionary& dict, host_entries& out);
  // Adds `count` to id's entry in `out`, appending the entry when new.
  void merge(host_entries& out, std::uint32_t id, std::uint64_t count) {
    std::uint32_t& slot = slot_of_id_[id];
    if (slot == 0) {
      out.ids.push_back(id);
      out.counts.push_back(count);
      slot = static_cast<std::uint32_t>(out.ids.size());
    } else {
      out.counts[slot - 1] += count;
    }
  }

  // finish_batch when the dictionary is empty and no worker table holds an id (a stream's first batch),
  // with several worker tables: tasks share it. One table interns serially, which costs less than the
  // shared path's extra pass and atomic index claims.
  std::uint64_t finish_first_batch(dictionary& dict, host_entries& out);
  // Sizes slot_of_id_ for every id below `ids`.
  void make_room_for_ids(std::size_t ids);

  cpu_reducer reducer_;
  std::vector<table_counts> drained_;
  std::vector<std::uint32_t> slot_of_id_;  // id -> position in out + 1 while merging (0: absent)
  cached_ids ids_;                          // the worker tables' ids
};

}  // namespace wcs
