// The CUDA backend's device-resident batches on the host executor: batch tables applied where the
// backend made them, a window's ring holding them (and letting them go), dictionary compaction and
// checkpoints with resident batches, and the top-num selection that sends sinks only what can place.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "host/backend/counter_backend.hpp"
#include "host/checkpoint/checkpoint_format.hpp"
#include "host/engine/view_records.hpp"
#include "host/engine/window_view.hpp"
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
      test::add_text(gpu, random_batch(rng, 50));
      gpu.finish_batch(dict, batch);
      batch.batch_ms = 1000 * (b + 1);
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
    test::add_text(gpu, random_batch(rng, 40) + "\n" + "v" + std::to_string(b) + "x v" + std::to_string(b) + "y\n");
    gpu.finish_batch(dict, batch);
    batch.batch_ms = 1000 * (b + 1);
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
  auto next_batch = [&](int b) {
    test::add_text(gpu, random_batch(rng, 60));
    gpu.finish_batch(dict, batch);
    batch.batch_ms = 1000 * (b + 1);
  };
  for (int b = 0; b < 5; ++b) {
    next_batch(b);
    running.apply(batch);
  }
  const checkpoint_params params{1000, 4, 3000, 1000, true, true};
  checkpoint_state s = decode_checkpoint(encode_checkpoint({params, 0, 5000}, dict, {nullptr, &running.sums(), &running.retained()}));
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

}  // namespace
}  // namespace wcs
