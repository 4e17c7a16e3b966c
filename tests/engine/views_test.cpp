// State and window views against a brute-force oracle on random streams: every window output equals
// the direct sum of the batches in (t - window, t], inverse and recomputed windows agree, totals equal
// the sum of all batches, also when the dictionary is compacted under them.
#include <gtest/gtest.h>

#include <deque>

#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"
#include "tests/engine/stream_fixture.hpp"

namespace wcs::test {
namespace {

struct trial {
  std::int64_t batch_ms;
  std::int64_t window_ms;
  std::int64_t slide_ms;
  bool keep_zero;
  bool with_state;  // totals keep every word live: without them, compaction renumbers the windows' ids
  std::size_t batches;
  std::size_t vocabulary;
};

trial random_trial(random_stream& r) {
  trial t{};
  t.batch_ms = static_cast<std::int64_t>(r.pick(1, 20)) * 100;
  std::size_t slide = r.pick(1, 4);
  // A third of the trials have window >= 5 x slide, where PySpark itself subtracts.
  std::size_t window = r.pick(0, 2) == 0 ? slide * r.pick(5, 8) : r.pick(slide, 12);
  t.window_ms = static_cast<std::int64_t>(window) * t.batch_ms;
  t.slide_ms = static_cast<std::int64_t>(slide) * t.batch_ms;
  t.keep_zero = r.pick(0, 1) == 1;
  t.with_state = r.pick(0, 1) == 1;
  t.batches = r.pick(1, 70);
  t.vocabulary = r.pick(3, 60);
  return t;
}

std::string describe(const trial& t, std::uint64_t seed) {
  return "seed " + std::to_string(seed) + ": batch " + std::to_string(t.batch_ms) + " ms, window " +
         std::to_string(t.window_ms) + ", slide " + std::to_string(t.slide_ms) + ", keep_zero " +
         std::to_string(t.keep_zero) + ", state " + std::to_string(t.with_state) + ", " + std::to_string(t.batches) + " batches";
}

// Runs one random stream through a state view and an inverse and a recomputing window view side by
// side, comparing each output with the oracle. `compact_every` > 0 compacts the dictionary at random
// batches (on average every `compact_every`).
void run_trial(std::uint64_t seed, std::size_t compact_every) {
  random_stream r(seed, 1);
  const trial t = random_trial(r);
  random_stream stream(seed + 1, t.vocabulary);
  SCOPED_TRACE(describe(t, seed));

  const std::int64_t zero_ms = 1'700'000'000'000 - t.batch_ms;
  window_spec spec{batch_clock{t.batch_ms, zero_ms}, t.window_ms, t.slide_ms, true, t.keep_zero};
  state_view state(cpu_backend().make_count_table());
  window_view inverse(cpu_backend().make_count_table(), spec);
  spec.inverse = false;
  window_view recompute(cpu_backend().make_count_table(), spec);
  std::vector<view*> views{&inverse, &recompute};
  if (t.with_state) views.push_back(&state);

  dictionary dict;
  std::deque<word_counts> history;  // the oracle: every batch so far
  word_counts totals;
  word_counts ever_seen;
  std::size_t outputs = 0;
  for (std::size_t k = 1; k <= t.batches; ++k) {
    const std::int64_t now = zero_ms + static_cast<std::int64_t>(k) * t.batch_ms;
    SCOPED_TRACE("batch " + std::to_string(k));
    const word_counts batch = stream.next();
    history.push_back(batch);
    for (const auto& [w, n] : batch) {
      totals[w] += n;
      ever_seen[w] += 0;
    }
    const batch_table table = to_table(batch, dict, now);

    const bool due = (now - zero_ms) % t.slide_ms == 0;
    ASSERT_EQ(inverse.apply(table), due);
    ASSERT_EQ(recompute.apply(table), due);
    if (t.with_state) {
      ASSERT_TRUE(state.apply(table));
      ASSERT_EQ(output_words(state, dict), totals);
    }
    if (due) {
      ++outputs;
      word_counts expected;
      const std::size_t length = static_cast<std::size_t>(t.window_ms / t.batch_ms);
      for (std::size_t i = history.size() > length ? history.size() - length : 0; i < history.size(); ++i) {
        for (const auto& [w, n] : history[i]) expected[w] += n;
      }
      const word_counts got = output_words(inverse, dict);
      ASSERT_EQ(output_words(recompute, dict), expected) << "a recomputed window never shows a zero";
      if (t.keep_zero) {
        // PySpark's incremental window keeps every key it ever held, at 0 once it left.
        word_counts with_zeros = ever_seen;
        for (const auto& [w, n] : expected) with_zeros[w] = n;
        ASSERT_EQ(got, with_zeros);
      } else {
        ASSERT_EQ(got, expected);
      }
    }
    if (compact_every > 0 && stream.pick(1, compact_every) == 1) compact(dict, views);
  }
  EXPECT_EQ(outputs, (t.batches * t.batch_ms) / t.slide_ms);
}

TEST(views_property, random_streams_match_brute_force) {
  for (std::uint64_t i = 0; i < 300; ++i) run_trial(base_seed() + 7919 * i, 0);
}

TEST(views_property, random_streams_across_dictionary_compactions) {
  for (std::uint64_t i = 0; i < 300; ++i) run_trial(base_seed() + 104729 * i, 3);
}

// The tutorial's reduceByKeyAndWindow(+, -, 20, 10) on 10 s batches: an output every batch (every
// slide), each covering the last two batches; the first one is partial.
TEST(window_view, tutorial_window_20_slide_10) {
  dictionary dict;
  const std::int64_t first = 1'795'462'810'000;
  window_view v(cpu_backend().make_count_table(), {batch_clock{10000, first - 10000}, 20000, 10000, true, false});
  ASSERT_TRUE(v.apply(to_table({{"a", 2}, {"b", 1}}, dict, first)));
  EXPECT_EQ(output_words(v, dict), (word_counts{{"a", 2}, {"b", 1}}));
  ASSERT_TRUE(v.apply(to_table({{"a", 1}}, dict, first + 10000)));
  EXPECT_EQ(output_words(v, dict), (word_counts{{"a", 3}, {"b", 1}}));
  ASSERT_TRUE(v.apply(to_table({}, dict, first + 20000)));
  EXPECT_EQ(output_words(v, dict), (word_counts{{"a", 1}})) << "b fell to 0 and is dropped";
  ASSERT_TRUE(v.apply(to_table({}, dict, first + 30000)));
  EXPECT_EQ(output_words(v, dict), word_counts{}) << "the window keeps sliding after the input stops";
}

// Outputs only where (t - zeroTime) % slide == 0, counted from Spark's zeroTime (first batch - interval).
TEST(window_view, outputs_only_at_slide_boundaries) {
  dictionary dict;
  window_view v(cpu_backend().make_count_table(), {batch_clock{1000, 0}, 6000, 3000, true, true});
  std::vector<bool> due;
  for (std::int64_t t = 1000; t <= 9000; t += 1000) due.push_back(v.apply(to_table({{"x", 1}}, dict, t)));
  EXPECT_EQ(due, (std::vector<bool>{false, false, true, false, false, true, false, false, true}));
  EXPECT_EQ(output_words(v, dict), (word_counts{{"x", 6}}));
}

TEST(window_view, keep_zero_shows_words_that_left_the_window) {
  dictionary dict;
  window_view keep(cpu_backend().make_count_table(), {batch_clock{1000, 0}, 1000, 1000, true, true});
  window_view drop(cpu_backend().make_count_table(), {batch_clock{1000, 0}, 1000, 1000, true, false});
  for (view* v : {static_cast<view*>(&keep), static_cast<view*>(&drop)}) {
    v->apply(to_table({{"gone", 4}}, dict, 1000));
    v->apply(to_table({{"here", 1}}, dict, 2000));
  }
  EXPECT_EQ(output_words(keep, dict), (word_counts{{"gone", 0}, {"here", 1}}));
  EXPECT_EQ(output_words(drop, dict), (word_counts{{"here", 1}}));
}

// A dropped zero frees its dictionary slot; a kept zero keeps it.
TEST(window_view, compaction_frees_words_only_when_zeros_are_dropped) {
  for (const bool keep_zero : {false, true}) {
    dictionary dict;
    window_view v(cpu_backend().make_count_table(), {batch_clock{1000, 0}, 1000, 1000, true, keep_zero});
    v.apply(to_table({{"gone", 4}}, dict, 1000));
    v.apply(to_table({{"here", 1}}, dict, 2000));
    compact(dict, {&v});
    EXPECT_EQ(dict.size(), keep_zero ? 2u : 1u);
    v.apply(to_table({{"here", 2}, {"new", 1}}, dict, 3000));
    word_counts expected{{"here", 2}, {"new", 1}};
    if (keep_zero) expected["gone"] = 0;
    EXPECT_EQ(output_words(v, dict), expected);
  }
}

}  // namespace
}  // namespace wcs::test
