// The CUDA backend's device-resident batches on the host executor: batch tables applied where the
// backend made them, a window's ring holding them (and letting them go), dictionary compaction and
// checkpoints with resident batches, the top-num selection that sends sinks only what can place, and
// what crosses back to the host per batch (host_exec counts the bytes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <sstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "host/backend/counter_backend.hpp"
#include "host/backend/cpu_backend.hpp"
#include "host/checkpoint/checkpoint_format.hpp"
#include "host/engine/view_records.hpp"
#include "host/engine/window_view.hpp"
#include "host/sink/pprint_sink.hpp"
#include "host/sink/text_file_sink.hpp"
#include "host/tables/dictionary_policy.hpp"
#include "host/sink/record_order.hpp"
#include "kernels/common/host_exec.hpp"
#include "kernels/cuda/dense_counts.hpp"
#include "kernels/cuda/word_counter.hpp"
#include "tests/gpu/gpu_cases.hpp"

namespace wcs {
namespace {

using host_counts = cuda::dense_counts<host_exec>;
using host_gpu_backend = counter_backend<cuda::word_counter<host_exec>, host_counts>;
using test::to_map;
using test::word_counts;

// Counts `text` as batch number `n` (batch time n s) into `out`.
void count_batch(backend& b, dictionary& dict, const std::string& text, std::int64_t n, batch_table& out) {
  test::add_text(b, text);
  b.finish_batch(dict, out);
  out.batch_ms = 1000 * n;
}

// The batch as the CPU backend has it: host entries only.
batch_table host_copy(const batch_table& b) {
  batch_table c;
  c.batch_ms = b.batch_ms;
  c.edit_host() = b.host();
  return c;
}

// What pprint shows of `t`: its first `num` records.
std::vector<std::pair<std::string, std::uint64_t>> top_of(const batch_table& t, const dictionary& dict, std::size_t num) {
  std::vector<word_count> records;
  top_records(t, [&](std::uint32_t id) { return dict.word(id); }, num, records);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const word_count& r : records) out.emplace_back(std::string(r.word), r.count);
  return out;
}

TEST(GpuResident, BatchAppliesFromItsDeviceCopy) {
  host_gpu_backend gpu("host-gpu", 1 << 8);
  dictionary dict;
  batch_table batch;
  test::add_text(gpu, "a b b c c c\n");
  gpu.finish_batch(dict, batch);
  ASSERT_NE(batch.resident(), nullptr);
  // No host entries: only the device copy can give these counts.
  batch_table device_only;
  device_only.set_resident(batch.resident());
  auto table = gpu.make_count_table();
  batch_table out;
  table->apply(device_only, +1);
  table->apply(device_only, +1);
  table->collect(out, false);
  EXPECT_EQ(to_map(out, dict), (word_counts{{"a", 2}, {"b", 4}, {"c", 6}}));
  table->apply(device_only, -1);
  table->collect(out, false);
  EXPECT_EQ(to_map(out, dict), (word_counts{{"a", 1}, {"b", 2}, {"c", 3}}));
  table->apply(device_only, -1);
  table->collect(out, false);
  EXPECT_EQ(out.size(), 0u);
  table->collect(out, true);
  EXPECT_EQ(to_map(out, dict), (word_counts{{"a", 0}, {"b", 0}, {"c", 0}}));
}

TEST(GpuResident, TopSelectionKeepsTies) {
  host_counts counts(2);  // concurrent kernels from 2 items on
  // ids 0..7 -> 5 3 0 3 3 1 7 3 (id 2 touched, back to 0)
  const std::vector<std::uint32_t> ids = {0, 1, 2, 3, 4, 5, 6, 7};
  counts.apply(ids, std::vector<std::uint64_t>{5, 3, 2, 3, 3, 1, 7, 3}, +1);
  counts.apply(std::vector<std::uint32_t>{2}, std::vector<std::uint64_t>{2}, -1);
  std::vector<std::uint32_t> top_ids;
  std::vector<std::uint64_t> top_counts;
  auto top = [&](std::size_t num, bool keep_zero) {
    const std::size_t visible = counts.collect_top(top_ids, top_counts, num, keep_zero);
    EXPECT_EQ(visible, keep_zero ? 8u : 7u);
    return top_ids;
  };
  EXPECT_EQ(top(2, false), (std::vector<std::uint32_t>{0, 6}));
  EXPECT_EQ(top_counts, (std::vector<std::uint64_t>{5, 7}));
  EXPECT_EQ(top(3, false), (std::vector<std::uint32_t>{0, 1, 3, 4, 6, 7}));  // four 3s tie for third place
  EXPECT_EQ(top(6, false), (std::vector<std::uint32_t>{0, 1, 3, 4, 6, 7}));
  EXPECT_EQ(top(7, false), (std::vector<std::uint32_t>{0, 1, 3, 4, 5, 6, 7}));
  EXPECT_EQ(top(100, false), (std::vector<std::uint32_t>{0, 1, 3, 4, 5, 6, 7}));
  EXPECT_EQ(top(0, false), (std::vector<std::uint32_t>{}));
  EXPECT_EQ(top(7, true), (std::vector<std::uint32_t>{0, 1, 3, 4, 5, 6, 7}));  // the zero cannot place
  EXPECT_EQ(top(8, true), (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(GpuResident, TopSelectionGivesThePrintedRecords) {
  std::mt19937_64 rng(4);
  dictionary dict;
  for (int i = 0; i < 300; ++i) dict.intern("w" + std::to_string(rng() % 100000));
  for (int round = 0; round < 40; ++round) {
    host_counts counts(64);
    std::vector<std::uint32_t> ids;
    std::vector<std::uint64_t> c;
    for (std::uint32_t id = 0; id < dict.size(); ++id) {
      if (rng() % 3 == 0) continue;
      ids.push_back(id);
      c.push_back(1 + rng() % (round % 2 == 0 ? 4 : 1000));  // many ties, or few
    }
    counts.apply(ids, c, +1);
    batch_table all;
    counts.collect(all.edit_host().ids, all.edit_host().counts, false);
    for (const std::size_t num : {1u, 5u, 20u, 199u, 400u}) {
      batch_table top;
      ASSERT_EQ(counts.collect_top(top.edit_host().ids, top.edit_host().counts, num, false), all.size());
      EXPECT_EQ(top_of(top, dict, num), top_of(all, dict, num)) << round << " " << num;
    }
  }
}

// Two windows over the same batches: one in (host-executor) device tables fed the backend's batches,
// one in the host table fed host copies. Their outputs must agree at every step.
struct window_pair {
  window_pair(host_gpu_backend& gpu, window_spec spec)
      : device(gpu.make_count_table(), spec), host(make_host_count_table(), spec) {}

  bool apply(const batch_table& batch) {
    const bool due = device.apply(batch);
    EXPECT_EQ(host.apply(host_copy(batch)), due);
    return due;
  }

  void expect_same(const dictionary& dict) {
    batch_table a;
    batch_table b;
    EXPECT_EQ(to_map(device.output(a), dict), to_map(host.output(b), dict));
    std::size_t records = 0;
    const batch_table& top = device.output_top(3, a, records);
    EXPECT_EQ(records, b.size());
    EXPECT_EQ(top_of(top, dict, 3), top_of(b, dict, 3));
  }

  window_view device;
  window_view host;
};

std::string random_batch(std::mt19937_64& rng, std::size_t vocabulary) {
  std::string s;
  for (int i = 0; i < 200; ++i) s += "w" + std::to_string(rng() % vocabulary) + (i % 10 == 9 ? "\n" : " ");
  return s;
}

TEST(GpuResident, WindowRingHoldsAndReleasesDeviceBatches) {
  for (const bool inverse : {true, false}) {
    SCOPED_TRACE(inverse);
    std::mt19937_64 rng(7);
    host_gpu_backend gpu("host-gpu", 1 << 6);
    dictionary dict;
    window_spec spec{batch_clock::first_batch_at(1000, 1000), 3000, 1000, inverse, inverse};
    window_pair w(gpu, spec);
    batch_table batch;
    std::weak_ptr<const resident_batch> first;
    for (int b = 0; b < 8; ++b) {
      count_batch(gpu, dict, random_batch(rng, 50), b + 1, batch);
      if (b == 0) first = batch.resident();
      w.apply(batch);
      ASSERT_EQ(w.device.retained().back().resident(), batch.resident());  // shared, not copied
      EXPECT_EQ(w.device.retained().size(), std::min<std::size_t>(b + 1, 3));
      EXPECT_EQ(first.expired(), b >= 3) << "the first batch leaves the ring after three more";
      w.expect_same(dict);
    }
  }
}

TEST(GpuResident, CompactionDropsStaleDeviceCopies) {
  std::mt19937_64 rng(8);
  host_gpu_backend gpu("host-gpu", 1 << 6);
  dictionary dict;
  window_spec spec{batch_clock::first_batch_at(1000, 1000), 3000, 1000, true, false};
  window_pair w(gpu, spec);
  batch_table batch;
  for (int b = 0; b < 12; ++b) {
    SCOPED_TRACE(b);
    // The vocabulary moves on, so compactions drop words and renumber the rest.
    count_batch(gpu, dict, random_batch(rng, 40) + "\n" + "v" + std::to_string(b) + "x v" + std::to_string(b) + "y\n", b + 1, batch);
    w.apply(batch);
    w.expect_same(dict);
    if (b % 4 == 3) {
      std::vector<bool> live(dict.size(), false);
      w.device.mark_live(live);
      const std::size_t before = dict.size();
      const std::vector<std::uint32_t> remap = dict.compact(live);
      ASSERT_LT(dict.size(), before);
      w.device.remap(remap, dict.size());
      w.host.remap(remap, dict.size());
      for (const batch_table& r : w.device.retained()) EXPECT_EQ(r.resident(), nullptr);
      w.expect_same(dict);
    }
  }
}

TEST(GpuResident, CheckpointOfResidentBatchesRestores) {
  std::mt19937_64 rng(9);
  host_gpu_backend gpu("host-gpu", 1 << 6);
  dictionary dict;
  window_spec spec{batch_clock::first_batch_at(1000, 1000), 3000, 1000, true, true};
  window_view running(gpu.make_count_table(), spec);
  batch_table batch;
  auto next_batch = [&](int b) { count_batch(gpu, dict, random_batch(rng, 60), b + 1, batch); };
  for (int b = 0; b < 5; ++b) {
    next_batch(b);
    running.apply(batch);
  }
  const checkpoint_params params{1000, 4, 3000, 1000, true, true};
  auto encode = [&] { return encode_checkpoint({params, 0, 5000}, dict, {nullptr, &running.sums(), &running.retained()}); };
  std::size_t retained_entries = 0;
  for (const batch_table& r : running.retained()) retained_entries += r.size();
  const std::uint64_t before = gpu.counter().exec().downloaded_bytes();
  const std::string image = encode();
  EXPECT_EQ(gpu.counter().exec().downloaded_bytes() - before, retained_entries * 12) << "each retained batch copied back";
  EXPECT_EQ(encode(), image);
  EXPECT_EQ(gpu.counter().exec().downloaded_bytes() - before, retained_entries * 12) << "... once";
  checkpoint_state s = decode_checkpoint(image);
  window_view restored(gpu.make_count_table(), spec);
  restored.restore(s.sums.counts, s.sums.touched, std::move(s.retained));
  for (int b = 5; b < 9; ++b) {  // the restored ring leaves by upload, the running one on the device
    next_batch(b);
    running.apply(batch);
    restored.apply(batch);
    batch_table x;
    batch_table y;
    EXPECT_EQ(to_map(running.output(x), dict), to_map(restored.output(y), dict)) << b;
  }
}

TEST(GpuResident, ViewRecordsFetchEachPartOnce) {
  host_gpu_backend gpu("host-gpu", 1 << 6);
  dictionary dict;
  window_spec spec{batch_clock::first_batch_at(1000, 1000), 2000, 1000, true, false};
  window_view device(gpu.make_count_table(), spec);
  window_view host(make_host_count_table(), spec);
  batch_table batch;
  test::add_text(gpu, "a a a b b c d e f\n");
  gpu.finish_batch(dict, batch);
  device.apply(batch);
  host.apply(host_copy(batch));
  batch_table top_scratch;
  batch_table all_scratch;
  const view_records on_device(device, top_scratch, all_scratch);
  EXPECT_EQ(on_device.top(2).size(), 2u);  // a (3) and b (2)
  EXPECT_EQ(on_device.size(), 6u);
  EXPECT_EQ(&on_device.top(1), &top_scratch);  // a smaller top is the one fetched
  EXPECT_EQ(on_device.all().size(), 6u);
  EXPECT_EQ(&on_device.top(2), &all_scratch);  // everything is on the host now
  const view_records on_host(host, top_scratch, all_scratch);
  const batch_table& top = on_host.top(2);
  EXPECT_EQ(top.size(), 6u);  // a host table hands over all of it
  EXPECT_EQ(&on_host.all(), &top);  // ... once
}

// What a batch end costs device-to-host, for a batch of `distinct` words the device already has ids
// for (plus the batch's chunk: its counters are read once per chunk too).
std::uint64_t known_batch_bytes(host_gpu_backend& gpu, dictionary& dict, std::size_t distinct) {
  std::string text;
  for (std::size_t i = 0; i < distinct; ++i) text += "w" + std::to_string(i) + (i % 10 == 9 ? "\n" : " ");
  test::add_text(gpu, text + "\n");
  batch_table batch;
  gpu.finish_batch(dict, batch);  // the words get their ids
  const std::uint64_t before = gpu.counter().exec().downloaded_bytes();
  test::add_text(gpu, text + "\n");
  gpu.finish_batch(dict, batch);
  const std::uint64_t bytes = gpu.counter().exec().downloaded_bytes() - before;
  EXPECT_EQ(batch.size(), distinct);
  auto totals = gpu.make_count_table();
  totals->apply(batch, +1);  // from the device copy: nothing comes back
  EXPECT_EQ(gpu.counter().exec().downloaded_bytes() - before, bytes);
  return bytes;
}

TEST(GpuResident, BatchOfKnownWordsBringsBackConstantBytes) {
  host_gpu_backend gpu("host-gpu", 1 << 6);
  dictionary dict;
  const std::uint64_t few = known_batch_bytes(gpu, dict, 10);
  const std::uint64_t many = known_batch_bytes(gpu, dict, 5000);
  EXPECT_EQ(few, many) << "the known words' ids and counts stayed on the device";
  // The word counter's counters, read twice for the chunk and once at the batch's end, then the number
  // of fresh words and the largest known id.
  EXPECT_EQ(many, 3 * sizeof(cuda::pass_counters) + 2 * sizeof(std::uint32_t));
  // A fresh word costs its bytes and their offsets (no entry of the known words comes with it).
  test::add_text(gpu, "w1 w2 w3 fresh\n");
  batch_table batch;
  const std::uint64_t before = gpu.counter().exec().downloaded_bytes();
  gpu.finish_batch(dict, batch);
  EXPECT_EQ(gpu.counter().exec().downloaded_bytes() - before, few + 2 * sizeof(std::uint64_t) + 5);
  EXPECT_EQ(to_map(batch, dict), (word_counts{{"w1", 1}, {"w2", 1}, {"w3", 1}, {"fresh", 1}}));
}

TEST(GpuResident, HostCopyIsFetchedOnceOnDemand) {
  host_gpu_backend gpu("host-gpu", 1 << 6);
  dictionary dict;
  batch_table batch;
  test::add_text(gpu, "a b b c c c\n");
  gpu.finish_batch(dict, batch);
  const std::uint64_t before = gpu.counter().exec().downloaded_bytes();
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(gpu.counter().exec().downloaded_bytes(), before) << "the size is known without a copy";
  EXPECT_EQ(to_map(batch, dict), (word_counts{{"a", 1}, {"b", 2}, {"c", 3}}));
  const std::uint64_t fetched = gpu.counter().exec().downloaded_bytes() - before;
  EXPECT_EQ(fetched, 3 * (sizeof(std::uint32_t) + sizeof(std::uint64_t)));
  EXPECT_EQ(to_map(batch, dict).size(), 3u);
  EXPECT_EQ(gpu.counter().exec().downloaded_bytes() - before, fetched) << "fetched once";
  ASSERT_NE(batch.resident(), nullptr) << "the device copy stays for the count tables";
  batch.edit_host();
  EXPECT_EQ(batch.resident(), nullptr) << "an edited host copy no longer matches the device's";
}

// What pprint(num) prints and --output writes for a run of stateless batches through `b`.
struct sink_outputs {
  std::string printed;
  std::string written;
};

sink_outputs stateless_outputs(backend& b, const std::vector<std::string>& batches, std::size_t num) {
  char* text = nullptr;
  std::size_t bytes = 0;
  std::FILE* out = ::open_memstream(&text, &bytes);
  std::string dir = (std::filesystem::temp_directory_path() / "wcs-resident-XXXXXX").string();
  EXPECT_NE(::mkdtemp(dir.data()), nullptr);
  pprint_sink pprint(out, num);
  text_file_sink files(dir + "/wc", false);
  dictionary dict;
  stateless_view view;
  batch_table batch;
  batch_table top_scratch;
  batch_table all_scratch;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    count_batch(b, dict, batches[i], static_cast<std::int64_t>(i + 1), batch);
    view.apply(batch);
    const view_records records(view, top_scratch, all_scratch);
    const view_output o{batch.batch_ms, mode::stateless, records, dict};
    pprint.write(o);
    files.write(o);
  }
  std::fclose(out);
  sink_outputs r{std::string(text, bytes), {}};
  std::free(text);
  std::vector<std::filesystem::path> parts;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) parts.push_back(e.path());
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) {
    std::ostringstream part;
    part << std::ifstream(p).rdbuf();
    r.written += p.lexically_relative(dir).string() + ":\n" + part.str();
  }
  std::filesystem::remove_all(dir);
  return r;
}

TEST(GpuResident, StatelessPprintAndOutputSameAsCpuBackend) {
  std::mt19937_64 rng(11);
  std::vector<std::string> batches;
  for (int b = 0; b < 6; ++b) batches.push_back(random_batch(rng, b % 2 == 0 ? 30 : 300));
  batches.push_back("");  // an empty batch
  for (const std::size_t num : {std::size_t{0}, std::size_t{3}, std::size_t{10}, std::size_t{1000}}) {
    SCOPED_TRACE(num);
    host_gpu_backend gpu("host-gpu", 1 << 6);
    cpu_backend cpu;
    const sink_outputs on_gpu = stateless_outputs(gpu, batches, num);
    const sink_outputs on_cpu = stateless_outputs(cpu, batches, num);
    EXPECT_EQ(on_gpu.printed, on_cpu.printed);
    EXPECT_EQ(on_gpu.written, on_cpu.written);
    EXPECT_NE(on_cpu.written.find("part-00000"), std::string::npos);
  }
}

TEST(GpuResident, StatelessTopBringsBackOnlyWhatCanPlace) {
  host_gpu_backend gpu("host-gpu", 1 << 6);
  dictionary dict;
  std::string text = "top top top second second\n";
  for (int i = 0; i < 1000; ++i) text += "w" + std::to_string(i) + "\n";
  test::add_text(gpu, text);
  batch_table batch;
  gpu.finish_batch(dict, batch);
  stateless_view view;
  view.apply(batch);
  batch_table top_scratch;
  batch_table all_scratch;
  const view_records records(view, top_scratch, all_scratch);
  const std::uint64_t before = gpu.counter().exec().downloaded_bytes();
  const batch_table& top = records.top(2);
  EXPECT_EQ(records.size(), 1002u);
  EXPECT_EQ(to_map(top, dict), (word_counts{{"top", 3}, {"second", 2}}));
  // Two entries, the threshold and the selection's length: far from the batch's 1002 entries.
  EXPECT_LT(gpu.counter().exec().downloaded_bytes() - before, 64u);
  EXPECT_EQ(records.all().size(), 1002u);
}

// Words prefix + [from, to), ten to a line.
std::string numbered_words(const std::string& prefix, int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += prefix + std::to_string(i) + (i % 10 == 9 ? "\n" : " ");
  return s + "\n";
}

// The engine's dictionary policy over two batches, the second calling for a compaction; returns the
// dictionary's size after it. The stream reuses most of its vocabulary (38k of the second batch's 64k
// words), so the compaction keeps the second batch's words and drops the first's others. `downloaded`
// counts the bytes copied back to the host (by sampling, by the compaction) when given.
struct policy_run {
  std::size_t compacted = 0;
  std::uint64_t sampling_bytes = 0;
  std::uint64_t compaction_bytes = 0;
};

policy_run run_policy(backend& b, const std::function<std::uint64_t()>& downloaded = [] { return std::uint64_t{0}; }) {
  policy_run r;
  dictionary dict;
  dictionary_policy policy;
  batch_table batch;
  for (const std::string& text : {numbered_words("w", 0, 40000), numbered_words("w", 2000, 40000) + numbered_words("v", 0, 26000)}) {
    test::add_text(b, text);
    b.finish_batch(dict, batch);
    const std::uint64_t before = downloaded();
    policy.sample(dict, batch);
    r.sampling_bytes += downloaded() - before;
  }
  EXPECT_TRUE(policy.due(dict));
  std::vector<bool> live(dict.size(), false);
  const std::uint64_t before = downloaded();
  EXPECT_FALSE(policy.compact(dict, batch, live).empty());
  r.compaction_bytes = downloaded() - before;
  r.compacted = dict.size();
  return r;
}

TEST(GpuResident, DictionaryPolicySamplesDeviceBatchesOnlyForACompaction) {
  host_gpu_backend gpu("host-gpu", 1 << 10);
  const policy_run on_gpu = run_policy(gpu, [&] { return gpu.counter().exec().downloaded_bytes(); });
  cpu_backend cpu;
  EXPECT_EQ(on_gpu.compacted, run_policy(cpu).compacted);
  EXPECT_EQ(on_gpu.compacted, 64000u);
  EXPECT_EQ(on_gpu.sampling_bytes, 0u);
  // Both batches (40k and 64k entries of 12 bytes) once each: the second's copy serves the compaction too.
  EXPECT_EQ(on_gpu.compaction_bytes, (40000u + 64000u) * 12);
}

}  // namespace
}  // namespace wcs
