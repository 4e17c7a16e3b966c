// WCS_SIMD forces an implementation; the test checks the choice took effect.
#include <gtest/gtest.h>

#include <cstdlib>

#include "kernels/cpu/simd_dispatch.hpp"

TEST(SimdDispatch, ForcedChoiceTakesEffect) {
  const char* forced = std::getenv("WCS_SIMD");
  if (forced == nullptr) GTEST_SKIP() << "WCS_SIMD not set";
  bool supported = false;
  for (const auto& impl : wcs::simd::supported()) supported = supported || impl.name == forced;
  if (!supported) GTEST_SKIP() << forced << " is not supported by this CPU";
  EXPECT_EQ(wcs::simd::active().name, forced);
}

TEST(SimdDispatch, ScalarIsAlwaysSupported) {
  bool found = false;
  for (const auto& impl : wcs::simd::supported()) found = found || impl.name == "scalar";
  EXPECT_TRUE(found);
}
