#include "host/sink/py_repr.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace {

std::string repr(std::string_view word) {
  std::string out;
  wcs::append_py_repr(out, word);
  return out;
}

std::string tuple(std::string_view word, std::uint64_t count) {
  std::string out;
  wcs::append_py_tuple(out, wcs::word_count{word, count});
  return out;
}

// Expected strings are Python 3.11's repr() of the same words.
TEST(py_repr, plain_ascii_uses_single_quotes) {
  EXPECT_EQ(repr("the"), "'the'");
  EXPECT_EQ(repr("cable."), "'cable.'");
  EXPECT_EQ(repr(""), "''");
  EXPECT_EQ(repr("~ !"), "'~ !'");
}

TEST(py_repr, quote_choice) {
  EXPECT_EQ(repr("don't"), R"("don't")");
  EXPECT_EQ(repr("say\"hi"), R"('say"hi')");
  EXPECT_EQ(repr("it's \"x\""), R"('it\'s "x"')");
  EXPECT_EQ(repr("'\"\\"), R"('\'"\\')");
  EXPECT_EQ(repr("'"), R"("'")");
  EXPECT_EQ(repr("\""), R"('"')");
}

TEST(py_repr, backslash) {
  EXPECT_EQ(repr("\\"), R"('\\')");
  EXPECT_EQ(repr("a\\'b"), R"("a\\'b")");
}

TEST(py_repr, control_characters) {
  EXPECT_EQ(repr("\t\n\r"), R"('\t\n\r')");
  EXPECT_EQ(repr(std::string_view("\0", 1)), R"('\x00')");
  EXPECT_EQ(repr(std::string_view("a\0b", 3)), R"('a\x00b')");
  EXPECT_EQ(repr("\x01\x1f"), R"('\x01\x1f')");
  EXPECT_EQ(repr("\x1b[0m"), R"('\x1b[0m')");
  EXPECT_EQ(repr("\x7f"), R"('\x7f')");
  EXPECT_EQ(repr("\x0b\x0c"), R"('\x0b\x0c')");
}

TEST(py_repr, non_printable_latin1_uses_x_escape) {
  EXPECT_EQ(repr("\u0080"), R"('\x80')");
  EXPECT_EQ(repr("\u009f"), R"('\x9f')");
  EXPECT_EQ(repr("\u00a0"), R"('\xa0')");
  EXPECT_EQ(repr("\u00ad"), R"('\xad')");
}

TEST(py_repr, format_characters_and_separators_use_u_escape) {
  EXPECT_EQ(repr("a\u200bb"), R"('a\u200bb')");
  EXPECT_EQ(repr("\ufeff"), R"('\ufeff')");
  EXPECT_EQ(repr("\u0600"), R"('\u0600')");
  EXPECT_EQ(repr("\u2028"), R"('\u2028')");
  EXPECT_EQ(repr("\u2029"), R"('\u2029')");
  EXPECT_EQ(repr("\u3000"), R"('\u3000')");
}

TEST(py_repr, private_use_and_unassigned_are_escaped) {
  EXPECT_EQ(repr("\ue000"), R"('\ue000')");
  EXPECT_EQ(repr("\u0378"), R"('\u0378')");
  EXPECT_EQ(repr("\U000f0000"), R"('\U000f0000')");
  EXPECT_EQ(repr("\U000e0001"), R"('\U000e0001')");
  EXPECT_EQ(repr("\U000e01f0"), R"('\U000e01f0')");
  EXPECT_EQ(repr("\U0010ffff"), R"('\U0010ffff')");
}

TEST(py_repr, printable_non_ascii_is_kept) {
  EXPECT_EQ(repr("\ufffd"), "'\ufffd'");
  EXPECT_EQ(repr("é"), "'é'");
  EXPECT_EQ(repr("日本語"), "'日本語'");
  EXPECT_EQ(repr("\U0001f600"), "'\U0001f600'");
  EXPECT_EQ(repr("\U0002a6df"), "'\U0002a6df'");
  EXPECT_EQ(repr("naïve's"), "\"naïve's\"");
}

TEST(py_repr, truncated_input_stays_valid_utf8) {
  EXPECT_EQ(repr("a\xe6\x97"), "'a\ufffd'");
  EXPECT_EQ(repr("\x80"), "'\ufffd'");
}

TEST(py_repr, appends_to_existing_text) {
  std::string out = "x=";
  wcs::append_py_repr(out, "a'b");
  EXPECT_EQ(out, R"(x="a'b")");
}

TEST(py_repr, isprintable_matches_python) {
  EXPECT_TRUE(wcs::py_isprintable(U' '));
  EXPECT_TRUE(wcs::py_isprintable(U'~'));
  EXPECT_FALSE(wcs::py_isprintable(0x1F));
  EXPECT_FALSE(wcs::py_isprintable(0x7F));
  EXPECT_FALSE(wcs::py_isprintable(0xA0));
  EXPECT_TRUE(wcs::py_isprintable(0xA1));
  EXPECT_FALSE(wcs::py_isprintable(0xD800));
  EXPECT_TRUE(wcs::py_isprintable(0xFFFD));
  EXPECT_FALSE(wcs::py_isprintable(0xFFFE));
  EXPECT_TRUE(wcs::py_isprintable(0x1F600));
  EXPECT_FALSE(wcs::py_isprintable(0x10FFFF));
  EXPECT_FALSE(wcs::py_isprintable(0x110000));
}

TEST(py_tuple, formats_like_python_print) {
  EXPECT_EQ(tuple("the", 97), "('the', 97)");
  EXPECT_EQ(tuple("don't", 2), R"(("don't", 2))");
  EXPECT_EQ(tuple("\\", 3), R"(('\\', 3))");
  EXPECT_EQ(tuple("w", 0), "('w', 0)");
  EXPECT_EQ(tuple("w", 18446744073709551615ULL), "('w', 18446744073709551615)");
}

}  // namespace
