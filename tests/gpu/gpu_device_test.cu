// The real kernels on a CUDA device: the leaf logic in one-thread kernels with the host tests' golden
// values, and the device backend (device_word_counter, device_dense_counts) against the CPU backend.
// Without a device every test skips, naming what was not run.
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <random>
#include <string>
#include <vector>

#include "host/backend/cuda_backend.hpp"
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
