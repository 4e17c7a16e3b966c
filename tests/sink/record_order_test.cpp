// top_records (what pprint shows) must equal the head of the fully ordered records, ties included.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "host/sink/record_order.hpp"

namespace wcs {
namespace {

std::vector<word_count> all_ordered(const batch_table& batch, const std::vector<std::string>& words) {
  const host_entries& table = batch.host();
  std::vector<word_count> records;
  for (std::size_t i = 0; i < table.size(); ++i) records.push_back({words[table.ids[i]], table.counts[i]});
  order_records(records);
  return records;
}

void expect_same(const std::vector<word_count>& top, const std::vector<word_count>& ordered, std::size_t num) {
  ASSERT_EQ(top.size(), std::min(num, ordered.size()));
  for (std::size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].word, ordered[i].word) << "record " << i;
    EXPECT_EQ(top[i].count, ordered[i].count) << "record " << i;
  }
}

TEST(RecordOrder, TopRecordsAreTheHeadOfTheOrder) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n = rng() % 300;
    std::vector<std::string> words;
    batch_table table;
    for (std::size_t i = 0; i < n; ++i) {
      words.push_back(std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 4)) + std::to_string(i % 50));
      table.edit_host().ids.push_back(static_cast<std::uint32_t>(i));
      table.edit_host().counts.push_back(1 + rng() % (round % 2 == 0 ? 3 : 1000));  // few distinct counts: many ties
    }
    const auto ordered = all_ordered(table, words);
    for (const std::size_t num : {std::size_t{0}, std::size_t{1}, std::size_t{10}, n, n + 5}) {
      std::vector<word_count> top;
      top_records(table, [&](std::uint32_t id) { return std::string_view(words[id]); }, num, top);
      expect_same(top, ordered, num);
    }
  }
}

}  // namespace
}  // namespace wcs
