// The real kernels on a CUDA device: the leaf logic in one-thread kernels with the host tests' golden
// values, and the device backend (device_word_counter, device_dense_counts) against the CPU backend.
// Without a device every test skips, naming what was not run.
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "host/backend/cpu_backend.hpp"
#include "host/backend/cuda_backend.hpp"
#include "ingest/core/host_buffer.hpp"
#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/cuda/device.hpp"
#include "kernels/cuda/hash.hpp"
#include "kernels/tokenize/tokenize.hpp"
#include "tests/gpu/gpu_cases.hpp"

namespace wcs {
namespace {

#define WCS_SKIP_WITHOUT_DEVICE(what)                                                                   \
  do {                                                                                                  \
    const cuda_probe probe = probe_cuda();                                                              \
    if (probe.devices == 0) GTEST_SKIP() << "no CUDA device (" << probe.reason << "): NOT RUN: " what; \
  } while (0)

using device_backend = counter_backend<cuda::device_word_counter, cuda::device_dense_counts>;

__global__ void hash_kernel(const std::uint8_t* p, std::size_t n, std::uint64_t* out) { *out = cuda::hash_bytes(p, n); }

__global__ void classify_kernel(const std::uint8_t* p, std::size_t n, std::uint8_t* space, std::uint8_t* bad) {
  for (std::size_t i = 0; i < n; ++i) {
    const byte_class b = classify_byte(p, n, i);
    space[i] = b.space;
    bad[i] = b.malformed;
  }
}

void ok(cudaError_t e) { ASSERT_EQ(e, cudaSuccess) << cudaGetErrorString(e); }

TEST(GpuDevice, HashGoldenValuesInOneThreadKernel) {
  WCS_SKIP_WITHOUT_DEVICE("hash_bytes in a one-thread kernel");
  for (const auto& g : test::golden_hashes) {
    const std::string w = g.word;
    std::uint8_t* p = nullptr;
    std::uint64_t* out = nullptr;
    ok(cudaMalloc(&p, w.size() + 1));
    ok(cudaMalloc(&out, sizeof(std::uint64_t)));
    ok(cudaMemcpy(p, w.data(), w.size(), cudaMemcpyHostToDevice));
    hash_kernel<<<1, 1>>>(p, w.size(), out);
    std::uint64_t h = 0;
    ok(cudaMemcpy(&h, out, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ(h, g.hash) << w;
    cudaFree(p);
    cudaFree(out);
  }
}

TEST(GpuDevice, PerByteClassesInOneThreadKernel) {
  WCS_SKIP_WITHOUT_DEVICE("classify_byte in a one-thread kernel");
  for (const std::string& s : test::tokenizer_cases()) {
    const std::size_t n = s.size();
    std::uint8_t *p = nullptr, *space = nullptr, *bad = nullptr;
    ok(cudaMalloc(&p, n + 1));
    ok(cudaMalloc(&space, n + 1));
    ok(cudaMalloc(&bad, n + 1));
    ok(cudaMemcpy(p, s.data(), n, cudaMemcpyHostToDevice));
    classify_kernel<<<1, 1>>>(p, n, space, bad);
    std::vector<std::uint8_t> hs(n), hb(n);
    ok(cudaMemcpy(hs.data(), space, n, cudaMemcpyDeviceToHost));
    ok(cudaMemcpy(hb.data(), bad, n, cudaMemcpyDeviceToHost));
    const auto* q = reinterpret_cast<const std::uint8_t*>(s.data());
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(hs[i] != 0, classify_byte(q, n, i).space) << i;
      EXPECT_EQ(hb[i] != 0, classify_byte(q, n, i).malformed) << i;
    }
    cudaFree(p);
    cudaFree(space);
    cudaFree(bad);
  }
}

TEST(GpuDevice, TokenizerCasesMatchCpuBackend) {
  WCS_SKIP_WITHOUT_DEVICE("the CUDA backend on the tokenizer's Unicode and malformed-UTF-8 cases");
  device_backend gpu("cuda");
  std::vector<std::vector<std::string>> batches;
  for (const std::string& s : test::tokenizer_cases()) batches.push_back({s});
  batches.push_back(test::tokenizer_cases());
  test::expect_same_as_cpu(gpu, batches);
}

TEST(GpuDevice, RandomStreamsMatchCpuBackend) {
  WCS_SKIP_WITHOUT_DEVICE("the CUDA backend on random streams (batch, total and window views, table growth)");
  for (const std::uint64_t seed : {1u, 2u}) {
    std::mt19937_64 rng(seed);
    device_backend gpu("cuda", std::size_t{64});  // small table: growth within chunks
    std::vector<std::vector<std::string>> batches;
    for (int b = 0; b < 10; ++b) batches.push_back(test::chunks_of(test::random_lines(rng, 2000, 20000), 4096 + 60000 * (b % 2)));
    test::expect_same_as_cpu(gpu, batches, 3, seed == 2 ? 3 : 0);
  }
}

// The production upload path: chunks come from one pinned buffer (ingest's host_buffer) that is
// overwritten as soon as add_chunk returns, as the ingest ring reuses its buffers. Any copy still
// reading it after add_chunk returned would count the overwritten bytes.
TEST(GpuDevice, PinnedBufferReusedRightAfterEachCallMatchesCpuBackend) {
  WCS_SKIP_WITHOUT_DEVICE("the pinned upload path (one host_buffer reused right after each add_chunk)");
  std::mt19937_64 rng(4);
  device_backend gpu("cuda", std::size_t{64});
  cpu_backend cpu;
  dictionary gpu_dict;
  dictionary cpu_dict;
  batch_table gpu_out;
  batch_table cpu_out;
  host_buffer pinned(std::size_t{1} << 20);
  ASSERT_TRUE(pinned.pinned()) << "cudaHostAlloc failed: the test would exercise the pageable path";
  for (int b = 0; b < 8; ++b) {
    SCOPED_TRACE("batch " + std::to_string(b));
    for (const std::string& chunk : test::chunks_of(test::random_lines(rng, 3000, 20000), 8192 + 100000 * (b % 3))) {
      ASSERT_LE(chunk.size(), std::size_t{1} << 20);
      std::memcpy(pinned.data(), chunk.data(), chunk.size());
      gpu.add_chunk({pinned.data(), chunk.size()});
      std::memset(pinned.data(), 'z', chunk.size());  // the next chunk's bytes, as far as the device knows
      test::add_text(cpu, chunk);
    }
    EXPECT_EQ(gpu.finish_batch(gpu_dict, gpu_out), cpu.finish_batch(cpu_dict, cpu_out));
    EXPECT_EQ(test::to_map(gpu_out, gpu_dict), test::to_map(cpu_out, cpu_dict));
  }
}

// WCS_CUDA_SYNC=1: every launch synchronized and checked; the results stay the same.
TEST(GpuDevice, SyncEachLaunchGivesTheSameTables) {
  WCS_SKIP_WITHOUT_DEVICE("the CUDA backend with WCS_CUDA_SYNC=1");
  setenv("WCS_CUDA_SYNC", "1", 1);
  device_backend gpu("cuda", std::size_t{64});
  unsetenv("WCS_CUDA_SYNC");
  std::mt19937_64 rng(6);
  std::vector<std::vector<std::string>> batches;
  for (int b = 0; b < 3; ++b) batches.push_back(test::chunks_of(test::random_lines(rng, 2000, 5000), 30000));
  test::expect_same_as_cpu(gpu, batches);
}

// Without a usable device the executor's constructor fails at its first call, cleaning up what it
// made, with the failing call named.
TEST(GpuDevice, ConstructionFailsWithTheCallNamedWithoutDevice) {
  const cuda_probe probe = probe_cuda();
  if (probe.devices > 0) GTEST_SKIP() << "a CUDA device is present: the failing construction was not run";
  try {
    cuda::device_word_counter counter(64);
    FAIL() << "constructed without a device";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("CUDA error in cudaStreamCreateWithFlags", 0), 0u) << e.what();
  }
}

// Needs no device: the message format of every checked CUDA call.
TEST(GpuDevice, CudaErrorsBecomeClearMessages) {
  try {
    cuda::check(cudaErrorMemoryAllocation, "cudaMalloc(&p, bytes)");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "CUDA error in cudaMalloc(&p, bytes): out of memory (cudaErrorMemoryAllocation)");
  }
  EXPECT_NO_THROW(cuda::check(cudaSuccess, "cudaFree(p)"));
}

TEST(GpuDevice, NoDeviceIsReported) {
  const cuda_probe probe = probe_cuda();
  if (probe.devices > 0) GTEST_SKIP() << "a CUDA device is present: the no-device probe was not run";
  EXPECT_FALSE(probe.reason.empty());
}

}  // namespace
}  // namespace wcs
