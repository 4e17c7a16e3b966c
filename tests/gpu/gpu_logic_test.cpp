// The GPU path's kernel logic on the host: the per-thread bodies of kernels/cuda (the very functions the
// kernels call) driven by host_exec and std::threads, and the CUDA backend's stage sequence as
// word_counter<host_exec> / dense_counts<host_exec>, cross-checked against the CPU backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "host/backend/cuda_backend.hpp"
#include "host/tables/dictionary.hpp"
#include "kernels/common/host_exec.hpp"
#include "kernels/cuda/dense_counts.hpp"
#include "kernels/cuda/hash.hpp"
#include "kernels/cuda/pinned_staging.hpp"
#include "kernels/cuda/tokenize_ref.hpp"
#include "kernels/cuda/word_counter.hpp"
#include "kernels/cuda/word_table_ref.hpp"
#include "tests/gpu/gpu_cases.hpp"
#include "tests/kernels/word_lists.hpp"

namespace wcs {
namespace {

using host_counter = cuda::word_counter<host_exec>;
using host_counts = cuda::dense_counts<host_exec>;
using host_gpu_backend = counter_backend<host_counter, host_counts>;

const std::uint8_t* bytes(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

// One chunk tokenized by the bodies of tokenize_ref, in word_counter's order (host memory).
struct host_chunk {
  explicit host_chunk(std::string text)
      : input(std::move(text)), cls(input.size()), word_index(input.size()), starts(input.size() / 2 + 1),
        ends(input.size() / 2 + 1), repair(input.size() / 2 + 1) {
    host_exec exec;
    exec.for_each(n(), cuda::classify_body{ref()});
    exec.inclusive_sum(n(), cuda::start_flag{cls.data()}, word_index.data());
    exec.for_each(n(), cuda::scatter_body{ref()});
    if (counters.malformed != 0) {
      exec.for_each(n(), cuda::mark_repair_body{ref()});
      exec.for_each(counters.words, cuda::measure_body{ref()});
      scratch.resize(counters.repair_bytes);
      exec.for_each(counters.words, cuda::repair_body{ref()});
    }
  }
  std::uint32_t n() const { return static_cast<std::uint32_t>(input.size()); }
  cuda::tokenize_ref ref() {
    return {bytes(input), n(), cls.data(), word_index.data(), starts.data(), ends.data(), repair.data(), scratch.data(), &counters};
  }
  std::vector<std::string> words() {
    std::vector<std::string> out;
    const cuda::chunk_words w = ref().words();
    for (std::uint32_t i = 0; i < counters.words; ++i) {
      const cuda::word_span s = w.word(i);
      out.emplace_back(reinterpret_cast<const char*>(s.p), s.n);
    }
    return out;
  }

  std::string input;
  std::vector<std::uint8_t> cls;
  std::vector<std::uint32_t> word_index, starts, ends, repair;
  std::vector<std::uint8_t> scratch;
  cuda::pass_counters counters{};
};

TEST(GpuHash, GoldenValues) {
  EXPECT_EQ(cuda::fnv1a64(bytes("a"), 1), 0xaf63dc4c8601ec8cull);  // FNV-1a published vectors
  EXPECT_EQ(cuda::fnv1a64(bytes("foobar"), 6), 0x85944171f73967e8ull);
  EXPECT_EQ(cuda::fmix64(0), 0u);
  for (const auto& g : test::golden_hashes) {
    const std::string w = g.word;
    EXPECT_EQ(cuda::hash_bytes(bytes(w), w.size()), g.hash) << w;
    EXPECT_EQ(cuda::hash_bytes(bytes(w), w.size()), cuda::fmix64(cuda::fnv1a64(bytes(w), w.size())));
  }
}

TEST(GpuTokenize, ClassesAreThePerByteRule) {
  for (const std::string& s : test::tokenizer_cases()) {
    host_chunk c(s);
    for (std::size_t i = 0; i < s.size(); ++i) {
      const byte_class b = classify_byte(bytes(s), s.size(), i);
      const bool space = b.space;
      EXPECT_EQ((c.cls[i] & cuda::class_space) != 0, space) << i;
      if (!space) {
        EXPECT_EQ((c.cls[i] & cuda::class_malformed) != 0, b.malformed) << i;
      }
    }
  }
}

TEST(GpuTokenize, WordListEqualsSequentialScan) {
  for (const std::string& s : test::tokenizer_cases()) {
    host_chunk c(s);
    EXPECT_EQ(c.words(), test::words_sequential(s)) << s;
  }
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    const std::string s = test::random_lines(rng, 300);
    host_chunk c(s);
    EXPECT_EQ(c.words(), test::words_sequential(s)) << "round " << round;
  }
}

TEST(GpuTokenize, RepairUsesRepairWord) {
  host_chunk c("ok caf\xE9 \xED\xA0\x80x \xF4\x90\x80\x80\n");
  EXPECT_EQ(c.counters.malformed, 1u + 3u + 4u);
  EXPECT_EQ(c.words(), test::words_sequential(c.input));
  EXPECT_EQ(c.words()[1], "caf\xEF\xBF\xBD");
  EXPECT_EQ(c.words()[2], "\xEF\xBF\xBDx");
  EXPECT_EQ(c.counters.repair_bytes, 6u + 4u + 12u);
}

// A word table in host memory, over one chunk's word list.
struct host_table {
  host_table(std::size_t capacity, cuda::chunk_words chunk)
      : keys(capacity), counts(capacity), ids(capacity), touched(capacity), new_slots(capacity), retry(chunk_words_max) {
    ref = {keys.data(), counts.data(), ids.data(), capacity - 1, static_cast<std::uint32_t>(capacity / 2), touched.data(),
           new_slots.data(), nullptr, &counters, chunk, retry.data()};
  }
  static constexpr std::size_t chunk_words_max = 1 << 16;
  std::vector<std::uint64_t> keys, counts;
  std::vector<std::uint32_t> ids, touched, new_slots, retry;
  std::vector<std::uint8_t> arena;
  cuda::pass_counters counters{};
  cuda::word_table_ref ref{};
};

std::map<std::string, std::uint64_t> table_counts(const host_table& t) {
  std::map<std::string, std::uint64_t> m;
  for (std::size_t slot = 0; slot < t.keys.size(); ++slot) {
    if (t.keys[slot] == 0) continue;
    const cuda::word_span w = t.ref.key_word(t.keys[slot]);
    EXPECT_TRUE(m.emplace(std::string(reinterpret_cast<const char*>(w.p), w.n), t.counts[slot]).second) << "word twice";
  }
  return m;
}

TEST(GpuWordTable, ConcurrentInsertsFromThreads) {
  std::mt19937_64 rng(11);
  host_chunk c(test::random_lines(rng, 2000, 300));
  std::map<std::string, std::uint64_t> expected;
  for (const std::string& w : c.words()) ++expected[w];
  host_table t(1 << 12, c.ref().words());
  // Eight threads, interleaved word indices: the same words race for the same slots.
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < 8; ++k) {
    threads.emplace_back([&, k] {
      for (std::uint32_t w = k; w < c.counters.words; w += 8) t.ref.insert(w);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.counters.retries, 0u);
  EXPECT_EQ(t.counters.filled, expected.size());
  EXPECT_EQ(t.counters.new_slots, expected.size());
  EXPECT_EQ(t.counters.touched, expected.size());
  EXPECT_EQ(table_counts(t), expected);

  // Materialize: every key moves to the arena, words unchanged; a later chunk finds them there.
  t.arena.resize(t.counters.new_bytes);
  t.ref.arena = t.arena.data();
  host_exec().for_each(t.counters.new_slots, cuda::materialize_body{t.ref});
  EXPECT_EQ(t.counters.arena_used, t.counters.new_bytes);
  for (const std::uint64_t k : t.keys) EXPECT_TRUE(k == 0 || (k & cuda::arena_bit) != 0);
  EXPECT_EQ(table_counts(t), expected);

  host_chunk again(c.input);
  t.ref.chunk = again.ref().words();
  t.counters.new_slots = 0;
  host_exec().for_each(again.counters.words, cuda::insert_body{t.ref, nullptr});
  EXPECT_EQ(t.counters.new_slots, 0u) << "known words claimed again";
  for (auto& [w, n] : expected) n *= 2;
  EXPECT_EQ(table_counts(t), expected);
}

TEST(GpuWordTable, FillLimitSendsWordsToRetry) {
  host_chunk c("a b c d e f g h i j a b c\n");
  host_table t(8, c.ref().words());  // fill limit 4
  host_exec::serial().for_each(c.counters.words, cuda::insert_body{t.ref, nullptr});
  EXPECT_EQ(t.counters.filled, 4u);
  EXPECT_EQ(t.counters.retries, 6u);  // e..j
  EXPECT_EQ(t.counters.touched, 4u);
  EXPECT_EQ(table_counts(t), (std::map<std::string, std::uint64_t>{{"a", 2}, {"b", 2}, {"c", 2}, {"d", 1}}));
}

TEST(GpuWordCounter, GrowsWithoutLosingCounts) {
  std::mt19937_64 rng(3);
  host_gpu_backend gpu("host-gpu", 64);  // 64 slots: grows many times, also within a chunk
  std::vector<std::vector<std::string>> batches;
  for (int b = 0; b < 4; ++b) batches.push_back(test::chunks_of(test::random_lines(rng, 3000, 5000), 8192));
  test::expect_same_as_cpu(gpu, batches);
  EXPECT_GE(gpu.counter().capacity(), 512u) << "grew";
}

// Counts of `words`, each occurrence once (the sequential reference).
test::word_counts count_words(const std::vector<std::string>& words) {
  test::word_counts m;
  for (const std::string& w : words) ++m[w];
  return m;
}

// One batch of `chunks` through the counter, as word -> count (ids interned in `dict`).
test::word_counts count_batch(host_gpu_backend& gpu, dictionary& dict, const std::vector<std::string>& chunks) {
  for (const std::string& c : chunks) test::add_text(gpu, c);
  batch_table out;
  gpu.finish_batch(dict, out);
  return test::to_map(out, dict);
}

// The retry list holds occurrences: 1 M occurrences of two new words meeting the fill limit must not
// size the table for a million words. Growth doubles only while the table is at its limit.
TEST(GpuWordCounter, GrowthFollowsDistinctWordsNotOccurrences) {
  std::string chunk;
  for (int i = 0; i < 40; ++i) chunk += "w" + std::to_string(i) + (i % 10 == 9 ? "\n" : " ");
  for (int i = 0; i < 500000; ++i) chunk += i % 8 == 7 ? "x y\n" : "x y ";
  chunk += "\n";
  for (const std::size_t serial_below : {std::size_t{8}, std::size_t{8192}, SIZE_MAX}) {
    SCOPED_TRACE(serial_below);
    host_gpu_backend gpu("host-gpu", 64, host_exec(serial_below));
    dictionary dict;
    const test::word_counts counts = count_batch(gpu, dict, {chunk});
    ASSERT_EQ(counts.size(), 42u);
    EXPECT_EQ(counts.at("x"), 500000u);
    EXPECT_EQ(counts.at("w39"), 1u);
    EXPECT_LE(gpu.counter().capacity(), 4 * counts.size()) << "capacity " << gpu.counter().capacity();
  }
}

// Realistic text from the minimum size: after every batch the capacity is at most 4x the distinct
// words the table holds (it never shrinks, so the bound is checked against all words seen).
TEST(GpuWordCounter, CapacityStaysWithinFourTimesDistinctWords) {
  std::mt19937_64 rng(21);
  host_gpu_backend gpu("host-gpu", 64, host_exec(8));
  dictionary dict;
  test::word_counts seen;
  for (int b = 0; b < 6; ++b) {
    const std::string text = test::random_lines(rng, 4000, 3000 + 3000 * b);
    EXPECT_EQ(count_batch(gpu, dict, test::chunks_of(text, 20000)), count_words(test::words_sequential(text)));
    for (const std::string& w : test::words_sequential(text)) seen[w] = 1;
    EXPECT_LE(gpu.counter().capacity(), std::max<std::size_t>(64, 4 * seen.size())) << "batch " << b;
  }
}

// Every kernel concurrent (host_exec from 8 items on): reservations rolled back at the fill limit,
// lost CASes, retries under contention, rehash and materialize racing, over many seeds, against a
// sequential count. Chunks of ~200 k words with malformed UTF-8, from the minimum table size.
TEST(GpuWordCounter, ConcurrentPathsMatchSequentialCountOverSeeds) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    host_gpu_backend gpu("host-gpu", 64, host_exec(8));
    dictionary dict;
    // Batch 1: one ~200 k-word chunk (growth from 64 slots inside it). Batch 2: the same vocabulary
    // and new words over several chunks (known words, materialized words, arena growth).
    const std::string first = test::random_lines(rng, 33000, 20000);
    ASSERT_EQ(count_batch(gpu, dict, {first}), count_words(test::words_sequential(first)));
    const std::string second = test::random_lines(rng, 6000, 40000);
    ASSERT_EQ(count_batch(gpu, dict, test::chunks_of(second, 9000)), count_words(test::words_sequential(second)));
  }
}

// Poisoned, not zeroed: a kernel reading memory before writing it sees garbage, as on a device.
TEST(GpuHostExec, BuffersStartPoisoned) {
  const host_exec exec;
  auto b = exec.allocate<std::uint64_t>(3);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(b.data()[i], 0xA5A5A5A5A5A5A5A5ull);
}

TEST(GpuHostExec, SerialThresholdIsAParameter) {
  std::vector<std::thread::id> who(20000);
  host_exec::serial().for_each(who.size(), [&](std::size_t i) { who[i] = std::this_thread::get_id(); });
  EXPECT_TRUE(std::all_of(who.begin(), who.end(), [](std::thread::id t) { return t == std::this_thread::get_id(); }));
  std::vector<int> hits(100, 0);
  host_exec(4).for_each(hits.size(), [&](std::size_t i) { ++hits[i]; });  // ranges of 2: one call per index still
  EXPECT_TRUE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
}

// A failed pinned allocation leaves the staging empty (size 0), so the next chunk allocates again
// instead of copying into a null buffer.
bool fail_next_pinned = false;
void* fake_pinned_allocate(std::size_t bytes) {
  if (std::exchange(fail_next_pinned, false)) throw std::runtime_error("CUDA error in cudaHostAlloc: out of memory");
  return ::operator new(bytes);
}
void fake_pinned_release(void* p) { ::operator delete(p); }

TEST(GpuPinnedStaging, FailedAllocationLeavesItEmpty) {
  cuda::pinned_staging staging(fake_pinned_allocate, fake_pinned_release);
  ASSERT_NE(staging.reserve(100), nullptr);
  EXPECT_EQ(staging.size(), 100u);
  EXPECT_EQ(staging.reserve(50), staging.data()) << "a smaller chunk reuses the buffer";
  fail_next_pinned = true;
  EXPECT_THROW(staging.reserve(1000), std::runtime_error);
  EXPECT_EQ(staging.data(), nullptr);
  EXPECT_EQ(staging.size(), 0u);
  std::uint8_t* p = staging.reserve(10);  // a later, smaller chunk: a fresh buffer, not a null one
  ASSERT_NE(p, nullptr);
  p[9] = 1;
  EXPECT_EQ(staging.size(), 10u);
}

// A backend that cannot be constructed (busy or exclusive-mode device, out of memory).
std::unique_ptr<backend> throwing_cuda_backend() { throw std::runtime_error("CUDA error in cudaStreamCreateWithFlags: busy"); }
std::unique_ptr<backend> working_cuda_backend() { return std::make_unique<host_gpu_backend>("cuda", 64); }

TEST(GpuBackendChoice, AutoFallsBackWhenTheCudaBackendThrows) {
  EXPECT_EQ(choose_backend(backend_kind::automatic, {1, "", throwing_cuda_backend})->name(), "cpu");
  EXPECT_EQ(choose_backend(backend_kind::automatic, {0, "no CUDA device (none)", throwing_cuda_backend})->name(), "cpu");
  EXPECT_EQ(choose_backend(backend_kind::automatic, {1, "", working_cuda_backend})->name(), "cuda");
  EXPECT_EQ(choose_backend(backend_kind::cpu, {1, "", working_cuda_backend})->name(), "cpu");
}

TEST(GpuBackendChoice, CudaRefusesInOneLine) {
  try {
    choose_backend(backend_kind::cuda, {1, "", throwing_cuda_backend});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "--backend cuda: CUDA error in cudaStreamCreateWithFlags: busy");
  }
  try {
    choose_backend(backend_kind::cuda, {0, "no CUDA device (none)", working_cuda_backend});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "--backend cuda: no CUDA device (none)");
  }
}

TEST(GpuBackendChoice, BufferSizeCheckedAgainstTheBackend) {
  const host_gpu_backend gpu("cuda", 64);
  EXPECT_NO_THROW(check_chunk_bytes(gpu, std::size_t{1023} << 20));
  try {
    check_chunk_bytes(gpu, std::size_t{1024} << 20);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "--buffer-mb 1024: the cuda backend takes chunks of at most 1023 MiB");
  }
  EXPECT_NO_THROW(check_chunk_bytes(cpu_backend(), std::size_t{4096} << 20));
}

TEST(GpuWordCounter, TokenizerCasesMatchCpuBackend) {
  host_gpu_backend gpu("host-gpu", 1 << 10);
  std::vector<std::vector<std::string>> batches;
  for (const std::string& s : test::tokenizer_cases()) batches.push_back({s});
  batches.push_back(test::tokenizer_cases());  // all in one batch, one chunk each
  test::expect_same_as_cpu(gpu, batches);
}

TEST(GpuWordCounter, RandomStreamsMatchCpuBackend) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    host_gpu_backend gpu("host-gpu", 1 << 8);
    std::vector<std::vector<std::string>> batches;
    for (int b = 0; b < 12; ++b) {
      if (b == 5) {
        batches.emplace_back();  // an empty batch
        continue;
      }
      batches.push_back(test::chunks_of(test::random_lines(rng, 400 + 200 * (b % 3)), 1000 + 3000 * (b % 2)));
    }
    test::expect_same_as_cpu(gpu, batches, 3, seed == 2 ? 0 : 4);
  }
}

TEST(GpuWordCounter, SerialExecutorGivesTheSameTables) {
  std::mt19937_64 rng(5);
  host_gpu_backend gpu("host-gpu-serial", std::size_t{1} << 6, host_exec::serial());
  std::vector<std::vector<std::string>> batches;
  for (int b = 0; b < 5; ++b) batches.push_back(test::chunks_of(test::random_lines(rng, 500), 2000));
  test::expect_same_as_cpu(gpu, batches);
}

TEST(GpuWordCounter, RenumberedDictionaryIsDetected) {
  host_gpu_backend gpu("host-gpu", 1 << 8);
  dictionary dict;
  batch_table out;
  test::add_text(gpu, "a b c\n");
  gpu.finish_batch(dict, out);
  // Compact away "a" then intern it again: the same size, other ids.
  const std::vector<std::uint32_t> remap = dict.compact({false, true, true});
  ASSERT_EQ(remap[1], 0u);
  dict.intern("a");
  ASSERT_EQ(dict.size(), 3u);
  test::add_text(gpu, "a b b c c c\n");
  gpu.finish_batch(dict, out);
  EXPECT_EQ(test::to_map(out, dict), (test::word_counts{{"a", 1}, {"b", 2}, {"c", 3}}));
}

// A window-only engine compacts its dictionary: the device table then holds many words nobody needs
// and starts empty again; the words after that must still count right.
TEST(GpuWordCounter, TableEmptiesAfterTheDictionaryShrinks) {
  host_gpu_backend gpu("host-gpu", 1 << 6);
  auto vocabulary = [](const std::string& prefix, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += prefix + std::to_string(i) + (i % 10 == 9 ? "\n" : " ");
    return s + "\n";
  };
  const std::vector<std::vector<std::string>> batches = {
      {vocabulary("a", 3000)}, {vocabulary("b", 10)}, {vocabulary("c", 10)}, {vocabulary("a", 50)}, {vocabulary("b", 20)}};
  test::expect_same_as_cpu(gpu, batches, 1, 1);
}

TEST(GpuWordCounter, LongWordsAndChunkLimits) {
  host_gpu_backend gpu("host-gpu", 1 << 6);
  const std::string big(100000, 'x');
  std::vector<std::vector<std::string>> batches = {{big + " " + big + "\n", big + "y\n"}, {"\n", " ", big}};
  test::expect_same_as_cpu(gpu, batches);
}

TEST(GpuDenseCounts, SameAsHostCountTable) {
  std::mt19937_64 rng(9);
  dense_count_table<host_counts> gpu;
  auto host = make_host_count_table();
  batch_table out_gpu;
  batch_table out_host;
  std::size_t dict_size = 50;
  for (int step = 0; step < 200; ++step) {
    batch_table batch;
    std::vector<std::uint32_t> ids(dict_size);
    for (std::uint32_t i = 0; i < dict_size; ++i) ids[i] = i;
    std::shuffle(ids.begin(), ids.end(), rng);
    ids.resize(rng() % std::min<std::size_t>(dict_size, 30));
    for (const std::uint32_t id : ids) {
      batch.edit_host().ids.push_back(id);
      batch.edit_host().counts.push_back(1 + rng() % 5);
    }
    gpu.apply(batch, +1);
    host->apply(batch, +1);
    if (step % 3 == 2) {  // subtract what was added: zeros appear
      gpu.apply(batch, -1);
      host->apply(batch, -1);
    }
    for (const bool keep_zero : {false, true}) {
      gpu.collect(out_gpu, keep_zero);
      host->collect(out_host, keep_zero);
      ASSERT_EQ(out_gpu.host().ids, out_host.host().ids) << step;
      ASSERT_EQ(out_gpu.host().counts, out_host.host().counts) << step;
      std::vector<bool> live_gpu(dict_size + 200, false);
      std::vector<bool> live_host(dict_size + 200, false);
      gpu.mark_live(live_gpu, keep_zero);
      host->mark_live(live_host, keep_zero);
      ASSERT_EQ(live_gpu, live_host);
    }
    if (step % 17 == 16) {  // compaction: keep the live entries, renumbered in order
      std::vector<bool> live(dict_size, false);
      host->mark_live(live, false);
      std::vector<std::uint32_t> remap(dict_size, dictionary::no_id);
      std::uint32_t next = 0;
      for (std::size_t id = 0; id < dict_size; ++id) {
        if (live[id]) remap[id] = next++;
      }
      gpu.remap(remap, next);
      host->remap(remap, next);
      dict_size = next;
    }
    dict_size += rng() % 20;
    std::vector<std::uint64_t> c1, c2;
    std::vector<std::uint8_t> t1, t2;
    gpu.download(c1, t1);
    host->download(c2, t2);
    ASSERT_EQ(c1, c2) << step;
    ASSERT_EQ(t1, t2) << step;
  }
  // A checkpoint written by one table restores in the other.
  std::vector<std::uint64_t> counts;
  std::vector<std::uint8_t> touched;
  host->download(counts, touched);
  dense_count_table<host_counts> restored;
  restored.upload(counts, touched);
  restored.collect(out_gpu, true);
  host->collect(out_host, true);
  EXPECT_EQ(out_gpu.host().ids, out_host.host().ids);
  EXPECT_EQ(out_gpu.host().counts, out_host.host().counts);
}

}  // namespace
}  // namespace wcs
