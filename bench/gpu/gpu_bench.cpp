// GPU end-to-end benchmark: the CUDA backend (tokenize + hashed reduceByKey + host dictionary) over
// corpus files and a synthetic corpus, in lines/s and GB/s, with the CPU backend on the same input for
// reference, and the split between H2D copies, kernels and D2H copies from CUDA events (a second,
// profiled pass: the events add a little overhead, so the end-to-end figure comes from a clean pass).
//
//   wcs-gpu-bench [--chunk-mb 16] [--batch-mb 256] [--passes 5] [--synthetic MB] FILE...
//
// Input sits in pinned host buffers (ingest's host_buffer), cut at line ends into chunks as the
// ingest thread would; a batch ends every --batch-mb. Without a CUDA device it says that no GPU
// figures were measured and exits 0.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/backend/cpu_backend.hpp"
#include "host/backend/cuda_backend.hpp"
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
double run(wcs::backend& b, const corpus& c, std::size_t batch_bytes, wcs::dictionary& dict) {
  wcs::batch_table out;
  const auto start = std::chrono::steady_clock::now();
  std::size_t in_batch = 0;
  for (const auto& chunk : c.chunks) {
    b.add_chunk(chunk);
    in_batch += chunk.size();
    if (in_batch >= batch_bytes) {
      b.finish_batch(dict, out);
      in_batch = 0;
    }
  }
  b.finish_batch(dict, out);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double best_of(wcs::backend& b, const corpus& c, std::size_t batch_bytes, int passes) {
  wcs::dictionary dict;
  run(b, c, batch_bytes, dict);  // warm-up: allocations, table growth, dictionary
  double best = 1e300;
  for (int i = 0; i < passes; ++i) best = std::min(best, run(b, c, batch_bytes, dict));
  return best;
}

void report(const char* what, const corpus& c, double s) {
  std::printf("  %-22s %9.2f ms  %7.2f GB/s  %9.2f M lines/s\n", what, s * 1e3, c.bytes / s / 1e9, c.lines / s / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t chunk_mb = 16;
  std::size_t batch_mb = 256;
  std::size_t synthetic_mb = 0;
  int passes = 5;
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
    } else {
      files.push_back(a);
    }
  }
  if (files.empty() && synthetic_mb == 0) {
    std::fprintf(stderr, "usage: wcs-gpu-bench [--chunk-mb N] [--batch-mb N] [--passes N] [--synthetic MB] FILE...\n");
    return 2;
  }
  const wcs::cuda::device_info device = wcs::cuda::probe();
  if (device.devices == 0) {
    std::printf("wcs-gpu-bench: no CUDA device (%s): no GPU figures were measured\n", device.reason.c_str());
    return 0;
  }
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
      {
        gpu_backend gpu("cuda");
        report("cuda end-to-end", c, best_of(gpu, c, batch_bytes, passes));
      }
      {
        wcs::cpu_backend cpu;
        report("cpu end-to-end", c, best_of(cpu, c, batch_bytes, passes));
      }
      gpu_backend profiled("cuda", std::size_t{1} << 20, true);
      wcs::dictionary dict;
      run(profiled, c, batch_bytes, dict);
      profiled.counter().take_timing();
      const double s = run(profiled, c, batch_bytes, dict);
      const wcs::cuda::device_timing t = profiled.counter().take_timing();
      std::printf("  profiled pass %.2f ms: H2D %.2f ms (%.2f GB/s), kernels %.2f ms, D2H %.2f ms (%.2f MB)\n", s * 1e3,
                  t.h2d_ms, t.h2d_bytes / (t.h2d_ms * 1e6), t.kernel_ms, t.d2h_ms, t.d2h_bytes / 1e6);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wcs-gpu-bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
