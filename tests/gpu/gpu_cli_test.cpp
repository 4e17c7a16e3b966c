// `wcstream --backend cuda` on a machine without a usable CUDA device (or in a build without CUDA)
// must fail at start with one clear line and a non-zero exit; `auto` must fall back to the CPU.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#if WCS_HAVE_CUDA
#include "host/backend/cuda_backend.hpp"
#endif

namespace {

struct run_result {
  int exit_code;
  std::string err;
  std::string out;
};

run_result run_wcstream(const std::string& args) {
  const auto dir = std::filesystem::temp_directory_path() / ("wcs_gpu_cli_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto input = dir / "input.txt";
  std::ofstream(input) << "a b a\nc\n";
  const std::string cmd = std::string(WCSTREAM_PATH) + " --file " + input.string() + " --batch-lines 10 " + args + " >" +
                          (dir / "out").string() + " 2>" + (dir / "err").string();
  const int status = std::system(cmd.c_str());
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  run_result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "err"), slurp(dir / "out")};
  std::filesystem::remove_all(dir);
  return r;
}

bool no_cuda_device() {
#if WCS_HAVE_CUDA
  return wcs::probe_cuda().devices == 0;
#else
  return true;
#endif
}

TEST(WcstreamBackendCuda, FailsWithOneClearLineWithoutDevice) {
  if (!no_cuda_device()) GTEST_SKIP() << "a CUDA device is present: the no-device failure of --backend cuda was not run";
  const run_result r = run_wcstream("--backend cuda");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.find("wcstream: error: --backend cuda: "), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(WcstreamBackendCuda, AutoFallsBackToCpu) {
  if (!no_cuda_device()) GTEST_SKIP() << "a CUDA device is present: the fallback of --backend auto was not run";
  const run_result r = run_wcstream("--backend auto --exit-on-eof");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("('a', 2)"), std::string::npos) << r.out;
}

}  // namespace
