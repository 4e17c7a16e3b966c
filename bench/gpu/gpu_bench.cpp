// GPU end-to-end benchmark: the CUDA backend (tokenize + hashed reduceByKey + host dictionary) over
// corpus files and a synthetic corpus, in lines/s and GB/s, with the CPU backend on the same input for
// reference, and the split between H2D copies, kernels and D2H copies from CUDA events (a second,
// profiled pass: the events add a little overhead, so the end-to-end figure comes from a clean pass).
// A check pass then feeds the CUDA backend the way the ingest ring does (each chunk copied into one
// pinned buffer, overwritten right after add_chunk returns) and compares every batch table with the
// CPU backend's. A views pass adds what wcstream does per batch on the device: a state table and a
// window of 3 batches applied from the batches' device copies, and each one's top 10 copied back as
// pprint asks; it reports the views' time and their bytes over the bus per batch.
//
//   wcs-gpu-bench [--chunk-mb 16] [--batch-mb 256] [--passes 5] [--synthetic MB] FILE...
//   wcs-gpu-bench --probe      prints the device, or why there is none (exit 1)
//
// Input sits in pinned host buffers (ingest's host_buffer), cut at line ends into chunks as the
// ingest thread would; a batch ends every --batch-mb. Each corpus ends with one `summary:` line.
// Exit status 1 when a table differs from the CPU backend's or there is no device.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/backend/cpu_backend.hpp"
#include "host/backend/cuda_backend.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"
#include "ingest/core/host_buffer.hpp"
#include "kernels/cuda/device.hpp"

namespace {

using gpu_backend = wcs::counter_backend<wcs::cuda::device_word_counter, wcs::cuda::device_dense_counts>;

struct corpus {
  std::string name;
  wcs::host_buffer text;
  std::size_t bytes = 0;
  std::size_t lines = 0;
  std::vector<std::span<const std::uint8_t>> chunks;  // whole lines
};

void cut(corpus& c, std::size_t chunk_bytes) {
  const std::uint8_t* p = c.text.data();
  std::size_t begin = 0;
  while (begin < c.bytes) {
    std::size_t end = std::min(c.bytes, begin + chunk_bytes);
    while (end < c.bytes && p[end - 1] != '\n') ++end;
    c.chunks.emplace_back(p + begin, end - begin);
    begin = end;
  }
  for (std::size_t i = 0; i < c.bytes; ++i) c.lines += p[i] == '\n';
  if (c.bytes != 0 && p[c.bytes - 1] != '\n') ++c.lines;
}

corpus load_file(const std::string& path, std::size_t chunk_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + path);
  corpus c{path, wcs::host_buffer(static_cast<std::size_t>(in.tellg()) + 1), 0, 0, {}};
  c.bytes = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  in.read(reinterpret_cast<char*>(c.text.data()), static_cast<std::streamsize>(c.bytes));
  cut(c, chunk_bytes);
  return c;
}

// Lines of 1..16 words drawn from a 100k-word vocabulary with a Zipf-like skew (text-like counts).
corpus synthetic(std::size_t megabytes, std::size_t chunk_bytes) {
  const std::size_t bytes = megabytes << 20;
  corpus c{"synthetic " + std::to_string(megabytes) + " MB", wcs::host_buffer(bytes + 64), 0, 0, {}};
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> words_per_line(1, 16);
  std::uniform_real_distribution<double> u(0, 1);
  std::string line;
  while (c.bytes < bytes) {
    line.clear();
    for (int w = words_per_line(rng); w > 0; --w) {
      line += 'w';
      line += std::to_string(static_cast<std::uint64_t>(std::pow(100000.0, u(rng))));
      line += w == 1 ? '\n' : ' ';
    }
    if (c.bytes + line.size() > bytes) break;
    std::memcpy(c.text.data() + c.bytes, line.data(), line.size());
    c.bytes += line.size();
  }
  cut(c, chunk_bytes);
  return c;
}

// One pass over the corpus; returns seconds.
// One pass over the corpus, `closed` called with each batch; returns seconds.
template <class Closed>
double run(wcs::backend& b, const corpus& c, std::size_t batch_bytes, wcs::dictionary& dict, Closed&& closed) {
  wcs::batch_table out;
  const auto start = std::chrono::steady_clock::now();
  std::size_t in_batch = 0;
  for (const auto& chunk : c.chunks) {
    b.add_chunk(chunk);
    in_batch += chunk.size();
    if (in_batch >= batch_bytes) {
      b.finish_batch(dict, out);
      closed(out);
      in_batch = 0;
    }
  }
  b.finish_batch(dict, out);
  closed(out);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double run(wcs::backend& b, const corpus& c, std::size_t batch_bytes, wcs::dictionary& dict) {
  return run(b, c, batch_bytes, dict, [](const wcs::batch_table&) {});
}

// The views' share of a batch on the device: a state view and a window of 3 batches over profiled
// device tables, each output's top 10 fetched as pprint does. Prints time and bus bytes per batch.
// `dict` is the dictionary b's device table took its ids from.
void report_views(gpu_backend& b, const corpus& c, std::size_t batch_bytes, wcs::dictionary& dict) {
  using table = wcs::dense_count_table<wcs::cuda::device_dense_counts>;
  auto totals = std::make_unique<table>(true);
  auto sums = std::make_unique<table>(true);
  table& totals_table = *totals;
  table& sums_table = *sums;
  wcs::state_view state(std::move(totals));
  wcs::window_view window(std::move(sums), {wcs::batch_clock::first_batch_at(1000, 1000), 3000, 1000, true, false});
  wcs::batch_table scratch;
  std::size_t batches = 0;
  double views_s = 0;
  const double pass_s = run(b, c, batch_bytes, dict, [&](wcs::batch_table& batch) {
    batch.batch_ms = 1000 * static_cast<std::int64_t>(++batches);
    const auto start = std::chrono::steady_clock::now();
    std::size_t records = 0;
    for (wcs::view* v : {static_cast<wcs::view*>(&state), static_cast<wcs::view*>(&window)}) {
      if (v->apply(batch)) v->output_top(10, scratch, records);
    }
    views_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  wcs::cuda::device_timing t = totals_table.counts().take_timing();
  const wcs::cuda::device_timing w = sums_table.counts().take_timing();
  const double n = static_cast<double>(batches);
  std::printf("  views pass %.2f ms, %zu batches; per batch: views %.3f ms, H2D %.1f kB, D2H %.1f kB, kernels %.3f ms\n",
              pass_s * 1e3, batches, views_s * 1e3 / n, (t.h2d_bytes + w.h2d_bytes) / n / 1e3,
              (t.d2h_bytes + w.d2h_bytes) / n / 1e3, (t.kernel_ms + w.kernel_ms) / n);
}

using word_counts = std::map<std::string, std::uint64_t, std::less<>>;

// Batch boundaries of run(): a batch ends once it holds batch_bytes, and after the last chunk.
template <class Feed>
std::vector<word_counts> batch_tables(wcs::backend& b, const corpus& c, std::size_t batch_bytes, Feed&& feed) {
  wcs::dictionary dict;
  wcs::batch_table out;
  std::vector<word_counts> tables;
  auto close = [&] {
    b.finish_batch(dict, out);
    word_counts& t = tables.emplace_back();
    const wcs::host_entries& e = out.host();
    for (std::size_t i = 0; i < e.size(); ++i) t.emplace(dict.word(e.ids[i]), e.counts[i]);
  };
  std::size_t in_batch = 0;
  for (const auto& chunk : c.chunks) {
    feed(chunk);
    in_batch += chunk.size();
    if (in_batch >= batch_bytes) {
      close();
      in_batch = 0;
    }
  }
  close();
  return tables;
}

// The CUDA backend fed through one pinned buffer reused for every chunk and overwritten as soon as
// add_chunk returns (the ingest ring's contract), against the CPU backend. Returns "yes" or the
// first difference.
std::string compare_with_cpu(const corpus& c, std::size_t batch_bytes) {
  std::size_t largest = 0;
  for (const auto& chunk : c.chunks) largest = std::max(largest, chunk.size());
  wcs::host_buffer pinned(largest + 1);
  gpu_backend gpu("cuda");
  const auto gpu_tables = batch_tables(gpu, c, batch_bytes, [&](std::span<const std::uint8_t> chunk) {
    std::memcpy(pinned.data(), chunk.data(), chunk.size());
    gpu.add_chunk({pinned.data(), chunk.size()});
    std::memset(pinned.data(), 0xFF, chunk.size());
  });
  wcs::cpu_backend cpu;
  const auto cpu_tables = batch_tables(cpu, c, batch_bytes, [&](std::span<const std::uint8_t> chunk) { cpu.add_chunk(chunk); });
  if (gpu_tables.size() != cpu_tables.size()) return "no (batch count differs)";
  for (std::size_t b = 0; b < gpu_tables.size(); ++b) {
    if (gpu_tables[b] == cpu_tables[b]) continue;
    return "no (batch " + std::to_string(b) + ": " + std::to_string(gpu_tables[b].size()) + " vs " +
           std::to_string(cpu_tables[b].size()) + " words on the CPU)";
  }
  return std::string("yes (") + std::to_string(gpu_tables.size()) + " batches" +
         (pinned.pinned() ? ", one pinned buffer reused" : ", PAGEABLE buffer: pinned memory unavailable") + ")";
}

double best_of(wcs::backend& b, const corpus& c, std::size_t batch_bytes, int passes) {
  wcs::dictionary dict;
  run(b, c, batch_bytes, dict);  // warm-up: allocations, table growth, dictionary
  double best = 1e300;
  for (int i = 0; i < passes; ++i) best = std::min(best, run(b, c, batch_bytes, dict));
  return best;
}

double report(const char* what, const corpus& c, double s) {
  std::printf("  %-22s %9.2f ms  %7.2f GB/s  %9.2f M lines/s\n", what, s * 1e3, c.bytes / s / 1e9, c.lines / s / 1e6);
  return c.lines / s / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t chunk_mb = 16;
  std::size_t batch_mb = 256;
  std::size_t synthetic_mb = 0;
  int passes = 5;
  bool probe_only = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::size_t {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return std::stoul(argv[++i]);
    };
    if (a == "--chunk-mb") {
      chunk_mb = value();
    } else if (a == "--batch-mb") {
      batch_mb = value();
    } else if (a == "--passes") {
      passes = static_cast<int>(value());
    } else if (a == "--synthetic") {
      synthetic_mb = value();
    } else if (a == "--probe") {
      probe_only = true;
    } else {
      files.push_back(a);
    }
  }
  const wcs::cuda::device_info device = wcs::cuda::probe();
  if (device.devices == 0) {
    std::printf("wcs-gpu-bench: no CUDA device (%s): no GPU figures were measured\n", device.reason.c_str());
    return 1;
  }
  if (probe_only) {
    std::printf("%s\n", device.name.c_str());
    return 0;
  }
  if (files.empty() && synthetic_mb == 0) {
    std::fprintf(stderr, "usage: wcs-gpu-bench [--chunk-mb N] [--batch-mb N] [--passes N] [--synthetic MB] FILE...\n");
    return 2;
  }
  bool all_equal = true;
  try {
    std::printf("device: %s; chunks of %zu MB, batches of %zu MB, best of %d passes\n", device.name.c_str(), chunk_mb,
                batch_mb, passes);
    std::vector<corpus> corpora;
    for (const std::string& f : files) corpora.push_back(load_file(f, chunk_mb << 20));
    if (synthetic_mb != 0) corpora.push_back(synthetic(synthetic_mb, chunk_mb << 20));
    for (const corpus& c : corpora) {
      std::printf("%s: %.1f MB, %zu lines, %zu chunks%s\n", c.name.c_str(), c.bytes / 1e6, c.lines, c.chunks.size(),
                  c.text.pinned() ? "" : " (pageable input: staged through a pinned buffer)");
      const std::size_t batch_bytes = batch_mb << 20;
      double gpu_rate = 0;
      double cpu_rate = 0;
      {
        gpu_backend gpu("cuda");
        gpu_rate = report("cuda end-to-end", c, best_of(gpu, c, batch_bytes, passes));
      }
      {
        wcs::cpu_backend cpu;
        cpu_rate = report("cpu end-to-end", c, best_of(cpu, c, batch_bytes, passes));
      }
      gpu_backend profiled("cuda", std::size_t{1} << 20, true);
      wcs::dictionary dict;
      run(profiled, c, batch_bytes, dict);
      profiled.counter().take_timing();
      const double s = run(profiled, c, batch_bytes, dict);
      const wcs::cuda::device_timing t = profiled.counter().take_timing();
      std::printf("  profiled pass %.2f ms: H2D %.2f ms (%.2f GB/s), kernels %.2f ms, D2H %.2f ms (%.2f MB)\n", s * 1e3,
                  t.h2d_ms, t.h2d_bytes / (t.h2d_ms * 1e6), t.kernel_ms, t.d2h_ms, t.d2h_bytes / 1e6);
      report_views(profiled, c, batch_bytes, dict);
      const std::string equal = compare_with_cpu(c, batch_bytes);
      all_equal = all_equal && equal.rfind("yes", 0) == 0;
      std::printf("summary: %s: cuda %.2f M lines/s, cpu %.2f M lines/s; H2D %.2f ms, kernels %.2f ms, D2H %.2f ms; "
                  "tables equal to the CPU backend: %s\n",
                  c.name.c_str(), gpu_rate, cpu_rate, t.h2d_ms, t.kernel_ms, t.d2h_ms, equal.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wcs-gpu-bench: error: %s\n", e.what());
    return 1;
  }
  return all_equal ? 0 : 1;
}
