// The CPU word key is the same whichever way it was read: the masked load of the hot loop (8 readable
// bytes) and the copy used at buffer ends and by the dictionary must agree, or counts would split.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "kernels/cpu/word_hash.hpp"

namespace wcs {
namespace {

TEST(WordKey, MaskedLoadAndCopyAgree) {
  std::mt19937 rng(5);
  for (std::size_t length = 0; length <= 40; ++length) {
    for (int round = 0; round < 50; ++round) {
      std::string padded(length + 16, '\0');
      for (auto& c : padded) c = static_cast<char>(rng());
      const auto* p = reinterpret_cast<const std::uint8_t*>(padded.data());
      const word_key loaded = key_word(p, length, p + padded.size());
      const std::string alone(padded, 0, length);
      const word_key copied = key_word(reinterpret_cast<const std::uint8_t*>(alone.data()), length);
      ASSERT_EQ(loaded.hash, copied.hash) << "length " << length;
      ASSERT_EQ(loaded.prefix, copied.prefix) << "length " << length;
      ASSERT_EQ(hash_word(alone), copied.hash);
    }
  }
}

TEST(WordKey, ShortWordsDifferByContentAndLength) {
  const std::string words[] = {"", "a", "ab", "a\0", "abc", "abcd", "abcdefgh", "abcdefg"};
  for (const auto& a : words) {
    for (const auto& b : words) {
      if (a != b) {
        EXPECT_NE(hash_word(a), hash_word(b)) << a << " vs " << b;
      }
    }
  }
}

}  // namespace
}  // namespace wcs
