// The tokenizer: Python str.split() over text decoded as the JDK decodes UTF-8.
#include <gtest/gtest.h>

#include <random>

#include "tests/kernels/unicode_cases.hpp"
#include "tests/kernels/word_lists.hpp"

namespace wcs {
namespace {

using words = std::vector<std::string>;

using test::utf8;
using test::python_spaces;

const std::string fffd = "\xEF\xBF\xBD";

// Every form of the tokenizer must give the same words.
words split_all_ways(const std::string& s) {
  const words reference = test::words_sequential(s);
  EXPECT_EQ(test::words_per_byte(s), reference) << "per-byte form differs";
  for (const auto& impl : simd::supported()) EXPECT_EQ(test::words_simd(impl, s), reference) << impl.name << " differs";
  return reference;
}

TEST(PythonSpace, ExactlyTheTwentyNineCodePoints) {
  std::size_t count = 0;
  for (char32_t c = 0; c < 0x110000; ++c) count += is_python_space(c);
  EXPECT_EQ(count, 29u);
  for (char32_t c : python_spaces) EXPECT_TRUE(is_python_space(c)) << std::hex << static_cast<std::uint32_t>(c);
}

TEST(Tokenize, SplitsOnEveryPythonWhitespace) {
  for (char32_t c : python_spaces) {
    EXPECT_EQ(split_all_ways("a" + utf8(c) + "b"), (words{"a", "b"})) << std::hex << static_cast<std::uint32_t>(c);
    EXPECT_EQ(split_all_ways(utf8(c) + utf8(c) + "x" + utf8(c)), (words{"x"})) << std::hex << static_cast<std::uint32_t>(c);
  }
}

// The same inside inputs of several 64-byte blocks, at and around block edges: there the SIMD
// tokenizers split by masks (unicode_space_starts) instead of unit by unit.
TEST(Tokenize, EveryPythonWhitespaceAndLookalikeInsideLongInputs) {
  const std::string tail = " " + std::string(100, 'y');
  for (const std::size_t before : {1, 31, 61, 62, 63, 64, 65, 100}) {
    const std::string head(before, 'a');
    for (char32_t c : python_spaces) {
      EXPECT_EQ(split_all_ways(head + utf8(c) + "b" + tail), (words{head, "b", tail.substr(1)}))
          << std::hex << static_cast<std::uint32_t>(c) << std::dec << " after " << before;
    }
    for (char32_t c : test::not_spaces) {
      EXPECT_EQ(split_all_ways(head + utf8(c) + "b" + tail), (words{head + utf8(c) + "b", tail.substr(1)}))
          << std::hex << static_cast<std::uint32_t>(c) << std::dec << " after " << before;
    }
  }
}

TEST(Tokenize, NotWhitespace) {
  for (char32_t c : test::not_spaces) {
    const std::string w = "a" + utf8(c) + "b";
    EXPECT_EQ(split_all_ways(w), (words{w})) << std::hex << static_cast<std::uint32_t>(c);
  }
}

TEST(Tokenize, NoCaseFoldingNoPunctuationStripping) {
  EXPECT_EQ(split_all_ways("The cable. cable the\n"), (words{"The", "cable.", "cable", "the"}));
  EXPECT_EQ(split_all_ways(""), words{});
  EXPECT_EQ(split_all_ways(" \t\r\n "), words{});
}

TEST(Tokenize, NulIsAWordCharacter) {
  EXPECT_EQ(split_all_ways(std::string("a\0b c\0", 6)), (words{std::string("a\0b", 3), std::string("c\0", 2)}));
}

TEST(Tokenize, CarriageReturnsSplit) {
  EXPECT_EQ(split_all_ways("one\rtwo\r\nthree\n"), (words{"one", "two", "three"}));
}

// The JDK 17 decoder's replacement counts (docs/semantics.md, Input).
TEST(Utf8Jdk, MalformedInputCounts) {
  EXPECT_EQ(split_all_ways("\xFF"), (words{fffd}));
  EXPECT_EQ(split_all_ways("\xC3" "b"), (words{fffd + "b"}));
  EXPECT_EQ(split_all_ways("x\xE2\x82 y"), (words{"x" + fffd, "y"}));
  EXPECT_EQ(split_all_ways("\xC0\x80"), (words{fffd + fffd}));
  EXPECT_EQ(split_all_ways("\xED\xA0\x80"), (words{fffd}));  // Python would give three
  EXPECT_EQ(split_all_ways("\xF4\x90\x80\x80"), (words{fffd + fffd + fffd + fffd}));
  EXPECT_EQ(split_all_ways("end\xF0\x9F\x98"), (words{"end" + fffd}));  // partial sequence at EOF
  EXPECT_EQ(split_all_ways("\xE0\x80\x80"), (words{fffd + fffd + fffd}));
  EXPECT_EQ(split_all_ways("\xF0\x90\x80" "a"), (words{fffd + "a"}));
}

TEST(Utf8Jdk, MalformedBytesNeverHideWhitespace) {
  // A lead byte followed by a line end: the line end still splits.
  EXPECT_EQ(split_all_ways("a\xE2\nb"), (words{"a" + fffd, "b"}));
  // A valid non-ASCII space right after a malformed unit.
  EXPECT_EQ(split_all_ways("a\xC3\xE3\x80\x80" "b"), (words{"a" + fffd, "b"}));
}

TEST(Utf8Jdk, ValidTextIsKept) {
  EXPECT_EQ(split_all_ways("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x8E\xB8!"),
            (words{"caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87", "\xF0\x9F\x8E\xB8!"}));
}

// Random byte soup biased towards the interesting bytes: all forms agree, at every length and offset
// across the 64-byte SIMD blocks.
TEST(Tokenize, RandomInputsAgreeAcrossForms) {
  std::mt19937_64 rng(20261124);
  const std::string pieces[] = {" ", "\n", "\r", "\t", "a", "bc", "\xC2\xA0", "\xC2\x85", "\xE3\x80\x80", "\xE2\x80\x8B",
                                "\xE2\x80\xA8", "\xC3\xA9", "\xED\xA0\x80", "\x80", "\xFF", "\xE2\x82", "\xF0\x9F\x8E\xB8",
                                "\xF0\x9F", "\xC0", std::string(1, '\0'), "\x1C", "word", "\xEF\xBB\xBF"};
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const std::size_t parts = rng() % 80;
    for (std::size_t i = 0; i < parts; ++i) s += pieces[rng() % std::size(pieces)];
    split_all_ways(s);
    if (HasFailure()) {
      ADD_FAILURE() << "input bytes: " << ::testing::PrintToString(s);
      return;
    }
  }
}

// Long, mostly ASCII inputs with non-ASCII words, Unicode whitespace, near misses (U+200B, U+2060,
// U+00A1 share lead bytes with whitespace) and malformed bytes: the masked path for non-ASCII blocks,
// the sequential path for blocks where Unicode whitespace may start, and the switches between them
// (including a switch inside a multi-byte unit) must all agree with the reference.
TEST(Tokenize, LongMixedInputsAgreeAcrossForms) {
  std::mt19937_64 rng(42);
  const std::string pieces[] = {" ", " ", "\n", "the", "word", "caf\xC3\xA9", "it\xE2\x80\x99s", "\xE2\x80\x9Cq\xE2\x80\x9D",
                                "\xC2\xA0", "\xE2\x80\xA8", "\xE3\x80\x80", "\xE1\x9A\x80", "\xE2\x81\x9F", "\xC2\x85",
                                "\xE2\x80\x8A", "\xE2\x80\x8B", "\xE2\x81\xA0", "\xC2\xA1", "\xFF", "\xE2\x82", "\x80",
                                "\xF0\x9F\x8E\xB8", "\xE2", "\xE2\x80", "abcdefghijkl", "x"};
  for (int round = 0; round < 400; ++round) {
    std::string s;
    const std::size_t parts = 50 + rng() % 1500;
    for (std::size_t i = 0; i < parts; ++i) s += pieces[rng() % (round % 2 == 0 ? 6 : std::size(pieces))];
    split_all_ways(s);
    if (HasFailure()) {
      ADD_FAILURE() << "input bytes: " << ::testing::PrintToString(s);
      return;
    }
  }
}

}  // namespace
}  // namespace wcs
