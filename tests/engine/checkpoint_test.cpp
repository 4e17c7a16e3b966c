// Checkpoint format, store and recovery: a restored engine continues exactly like one that never
// stopped; a corrupt or truncated newest file falls back to the previous one; no valid file, or other
// parameters, is an error, never a silent fresh start.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "host/checkpoint/checkpoint_format.hpp"
#include "host/checkpoint/checkpoint_store.hpp"
#include "host/engine/checkpointer.hpp"
#include "host/engine/make_views.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"
#include "tests/engine/stream_fixture.hpp"

namespace wcs::test {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class checkpoint_dir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("wcs-ckpt-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

// State and window views with their dictionary, fed from a random stream.
struct pipeline {
  explicit pipeline(window_spec spec)
      : state(cpu_backend().make_count_table()), window(cpu_backend().make_count_table(), spec) {}

  void apply(const word_counts& batch, std::int64_t batch_ms) {
    const batch_table t = to_table(batch, dict, batch_ms);
    state.apply(t);
    window.apply(t);
  }

  dictionary dict;
  state_view state;
  window_view window;
};

const window_spec spec{batch_clock{1000, 0}, 5000, 1000, true, true};

checkpoint_params params() {
  checkpoint_params p;
  p.batch_ms = 1000;
  p.modes = 0b110;
  p.window_ms = 5000;
  p.slide_ms = 1000;
  p.inverse = true;
  p.keep_zero = true;
  return p;
}

std::string encode(pipeline& p, std::int64_t last_batch_ms) {
  return encode_checkpoint({params(), 0, last_batch_ms}, p.dict, {&p.state.totals(), &p.window.sums(), &p.window.retained()});
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(checkpoint_format, restored_views_continue_like_the_originals) {
  random_stream stream(base_seed(), 40);
  pipeline original(spec);
  std::int64_t t = 1000;
  for (; t <= 12000; t += 1000) original.apply(stream.next(), t);
  compact(original.dict, {&original.state, &original.window});

  checkpoint_state s = decode_checkpoint(encode(original, t - 1000));
  EXPECT_EQ(s.meta.params, params());
  EXPECT_EQ(s.meta.last_batch_ms, 12000);
  pipeline restored(spec);
  restored.dict = std::move(s.words);
  restore_views(s, &restored.state, &restored.window);

  for (; t <= 30000; t += 1000) {
    const word_counts batch = stream.next();
    original.apply(batch, t);
    restored.apply(batch, t);
    ASSERT_EQ(output_words(restored.state, restored.dict), output_words(original.state, original.dict));
    ASSERT_EQ(output_words(restored.window, restored.dict), output_words(original.window, original.dict));
  }
}

TEST(checkpoint_format, every_flipped_byte_or_truncation_is_detected) {
  random_stream stream(base_seed(), 10);
  pipeline p(spec);
  for (std::int64_t t = 1000; t <= 4000; t += 1000) p.apply(stream.next(), t);
  const std::string good = encode(p, 4000);
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_THROW(decode_checkpoint(bad), checkpoint_error) << "byte " << i;
  }
  for (std::size_t n = 0; n < good.size(); n += 7) {
    EXPECT_THROW(decode_checkpoint(good.substr(0, n)), checkpoint_error) << n << " bytes";
  }
}

TEST(checkpoint_format, another_format_version_is_refused_by_name) {
  pipeline p(spec);
  std::string bytes = encode(p, 1000);
  bytes[8] = 9;
  try {
    decode_checkpoint(bytes);
    FAIL() << "no error";
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("format version 9"), std::string::npos) << e.what();
  }
}

TEST_F(checkpoint_dir, keeps_the_two_newest_and_removes_temporary_files) {
  pipeline p(spec);
  {
    checkpoint_store store(dir_.string());
    EXPECT_FALSE(store.load().has_value());
    for (std::int64_t t = 1000; t <= 3000; t += 1000) {
      p.apply({{"a", 1}}, t);
      store.write(t, encode(p, t));
    }
  }
  write(dir_ / ".checkpoint-4000.wcs.tmp", "half a checkpoint");  // a crash during a write
  checkpoint_store store(dir_.string());
  EXPECT_EQ(files(), (std::vector<std::string>{".lock", "checkpoint-2000.wcs", "checkpoint-3000.wcs"}));
  const auto s = store.load();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->meta.last_batch_ms, 3000);
}

TEST_F(checkpoint_dir, corrupt_or_truncated_newest_falls_back_to_the_previous) {
  for (const bool truncate : {false, true}) {
    fs::remove_all(dir_);
    pipeline p(spec);
    checkpoint_store store(dir_.string());
    p.apply({{"a", 1}}, 1000);
    store.write(1000, encode(p, 1000));
    p.apply({{"a", 2}}, 2000);
    store.write(2000, encode(p, 2000));
    std::string bytes = read(dir_ / "checkpoint-2000.wcs");
    if (truncate) {
      bytes.resize(bytes.size() / 2);
    } else {
      bytes[bytes.size() / 2] ^= 1;
    }
    write(dir_ / "checkpoint-2000.wcs", bytes);

    const auto s = store.load();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->meta.last_batch_ms, 1000);
    EXPECT_EQ(s->totals.counts.at(0), 1u);
    EXPECT_TRUE(fs::exists(dir_ / "checkpoint-2000.wcs.corrupt")) << "kept aside for inspection";
    EXPECT_FALSE(fs::exists(dir_ / "checkpoint-2000.wcs"));
  }
}

TEST_F(checkpoint_dir, no_valid_checkpoint_is_an_error) {
  checkpoint_store store(dir_.string());
  pipeline p(spec);
  p.apply({{"a", 1}}, 1000);
  store.write(1000, encode(p, 1000));
  write(dir_ / "checkpoint-1000.wcs", "garbage");
  write(dir_ / "checkpoint-2000.wcs", encode(p, 1000));  // valid content under the wrong name
  try {
    store.load();
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no valid checkpoint in"), std::string::npos) << what;
    EXPECT_NE(what.find("checkpoint-1000.wcs (truncated"), std::string::npos) << what;
    EXPECT_NE(what.find("checkpoint-2000.wcs (holds batch 1000"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line";
  }
  EXPECT_TRUE(fs::exists(dir_ / "checkpoint-1000.wcs")) << "nothing moved when nothing is usable";
}

TEST_F(checkpoint_dir, a_second_engine_on_the_same_directory_is_refused) {
  checkpoint_store first(dir_.string());
  EXPECT_THROW(checkpoint_store second(dir_.string()), std::runtime_error);
}

TEST_F(checkpoint_dir, a_failed_write_is_a_clear_error) {
  checkpoint_store store(dir_.string());
  fs::remove_all(dir_);
  try {
    store.write(1000, "x");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write checkpoint"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
}

// Checkpoints are written on a thread of their own: a failed one fails the engine's next batch, and a
// stream's end waits for its last checkpoint.
TEST_F(checkpoint_dir, a_failed_background_write_fails_the_next_batch) {
  stream_spec o;
  o.batch_ms = 1000;
  o.modes.add(mode::stateful);
  o.checkpoint_dir = dir_.string();
  o.checkpoint_every_ms = 1000;
  o.start_ms = 5000;
  view_setup setup = make_views(o, cpu_backend());
  setup.checkpoint->batch_done(5000, setup.words);
  setup.checkpoint->wait();
  EXPECT_EQ(setup.checkpoint->written(), 1u);
  fs::remove_all(dir_);
  setup.checkpoint->batch_done(6000, setup.words);  // handed over: fails on the writer's thread
  try {
    setup.checkpoint->batch_done(7000, setup.words);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write checkpoint"), std::string::npos) << e.what();
  }
  EXPECT_THROW(setup.checkpoint->stream_done(setup.words), std::runtime_error);
  EXPECT_EQ(setup.checkpoint->written(), 1u);
}

// getOrCreate through make_views: the grid, the dictionary and the totals come back; a checkpoint made
// with other parameters is refused.
TEST_F(checkpoint_dir, make_views_resumes_the_grid_and_refuses_other_parameters) {
  stream_spec o;
  o.batch_ms = 1000;
  for (const mode m : {mode::stateless, mode::stateful, mode::window}) o.modes.add(m);
  o.window_ms = 3000;
  o.slide_ms = 1000;
  o.checkpoint_dir = dir_.string();
  o.checkpoint_every_ms = 2000;
  o.start_ms = 5000;
  {
    view_setup setup = make_views(o, cpu_backend());
    ASSERT_EQ(setup.views.size(), 3u);
    EXPECT_EQ(setup.first_batch_ms, 5000);
    for (std::int64_t t = 5000; t <= 7000; t += 1000) {
      const batch_table b = to_table({{"w", 2}}, setup.words, t);
      for (auto& v : setup.views) v->apply(b);
      setup.checkpoint->batch_done(t, setup.words);
    }
    setup.checkpoint->wait();  // written on a thread of its own
    EXPECT_EQ(files(), (std::vector<std::string>{".lock", "checkpoint-6000.wcs"})) << "(t - zero) % 2000 == 0";
    setup.checkpoint->stream_done(setup.words);
  }
  {
    o.start_ms = 100000;  // the grid comes from the checkpoint
    view_setup setup = make_views(o, cpu_backend());
    EXPECT_EQ(setup.first_batch_ms, 8000);
    EXPECT_EQ(output_words(*setup.views[1], setup.words), (word_counts{{"w", 6}}));
    EXPECT_EQ(output_words(*setup.views[2], setup.words), (word_counts{{"w", 6}}));
  }
  o.window_ms = 4000;
  try {
    make_views(o, cpu_backend());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("was made with batch 1000 ms, modes stateless,stateful,window, window 3000 ms"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace wcs::test
