// The replay payload: JSON extraction as Python's json.loads(line)[field] sees it, line cutting, and
// the plain-text mode.
#include "ingest/replay/payload.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace wcs {
namespace {

struct extracted {
  extract_status status;
  std::string text;
};

// Copies the text out: the extractor's view dies with it.
extracted extract(std::string_view line, const std::string& field = "reviewText") {
  field_extractor extractor(field);
  const field_extractor::result r = extractor.extract(line);
  return {r.status, std::string(r.text)};
}

TEST(FieldExtractor, ValidRecord) {
  const auto r = extract(R"({"reviewerID": "A1", "reviewText": "Great strings, good value.", "overall": 5.0})");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, "Great strings, good value.");
}

TEST(FieldExtractor, SurroundingWhitespaceIsFine) {
  const auto r = extract(" \t{\"reviewText\":\"x\"}  \r");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, "x");
}

TEST(FieldExtractor, InvalidJsonIsSkipped) {
  EXPECT_EQ(extract("").status, extract_status::invalid_json);
  EXPECT_EQ(extract("not json").status, extract_status::invalid_json);
  EXPECT_EQ(extract(R"({"reviewText": "unterminated)").status, extract_status::invalid_json);
  EXPECT_EQ(extract(R"({"reviewText": "a"} trailing)").status, extract_status::invalid_json);
  EXPECT_EQ(extract(R"({"reviewText": "a",})").status, extract_status::invalid_json);
  // Raw control characters inside strings are invalid JSON for Python's strict decoder too.
  EXPECT_EQ(extract("{\"reviewText\": \"a\tb\"}").status, extract_status::invalid_json);
  // The whole line must be valid, not only the part up to the field.
  EXPECT_EQ(extract(R"({"reviewText": "a", "overall": 5.0.1})").status, extract_status::invalid_json);
  // Malformed UTF-8 cannot be decoded by Python's open() either.
  EXPECT_EQ(extract("{\"reviewText\": \"caf\xc3\"}").status, extract_status::invalid_json);
}

TEST(FieldExtractor, MissingFieldIsSkipped) {
  EXPECT_EQ(extract(R"({"summary": "good"})").status, extract_status::missing_field);
  EXPECT_EQ(extract(R"({"reviewtext": "case matters"})").status, extract_status::missing_field);
  EXPECT_EQ(extract(R"({"outer": {"reviewText": "nested"}})").status, extract_status::missing_field);
  EXPECT_EQ(extract("{}").status, extract_status::missing_field);
}

TEST(FieldExtractor, NonStringFieldIsSkipped) {
  EXPECT_EQ(extract(R"({"reviewText": 5})").status, extract_status::not_string);
  EXPECT_EQ(extract(R"({"reviewText": null})").status, extract_status::not_string);
  EXPECT_EQ(extract(R"({"reviewText": ["a"]})").status, extract_status::not_string);
  EXPECT_EQ(extract(R"({"reviewText": {"a": "b"}})").status, extract_status::not_string);
  EXPECT_EQ(extract(R"({"reviewText": true})").status, extract_status::not_string);
}

TEST(FieldExtractor, NonObjectIsSkipped) {
  EXPECT_EQ(extract(R"(["reviewText"])").status, extract_status::not_object);
  EXPECT_EQ(extract(R"("reviewText")").status, extract_status::not_object);
  EXPECT_EQ(extract("42").status, extract_status::not_object);
}

TEST(FieldExtractor, EscapesAreDecoded) {
  const auto r = extract(R"({"reviewText": "q\"b\\s\/t\tn\u00e9\u4e2d\ud83d\ude00\u0041"})");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text,
            "q\"b\\s/t\tn\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"
            "A");
}

TEST(FieldExtractor, RawUtf8PassesThrough) {
  const std::string text =
      "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x8e\xb8 a\xc2\xa0"
      "b\xe3\x80\x80"
      "c";
  const auto r = extract("{\"reviewText\": \"" + text + "\"}");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, text);
}

TEST(FieldExtractor, EmbeddedNewlineIsKept) {
  const auto r = extract(R"({"reviewText": "first line\nsecond\r\nthird"})");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, "first line\nsecond\r\nthird");
}

TEST(FieldExtractor, LastDuplicateKeyWinsAsInPython) {
  const auto r = extract(R"({"reviewText": "first", "reviewText": "second"})");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, "second");
  EXPECT_EQ(extract(R"({"reviewText": "text", "reviewText": 3})").status, extract_status::not_string);
}

TEST(FieldExtractor, EscapedKeyMatches) {
  const auto r = extract(R"({"review\u0054ext": "decoded key"})");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, "decoded key");
}

TEST(FieldExtractor, OtherFieldAndEmptyText) {
  const auto r = extract(R"({"reviewText": "long", "summary": "short"})", "summary");
  ASSERT_EQ(r.status, extract_status::ok);
  EXPECT_EQ(r.text, "short");
  const auto empty = extract(R"({"reviewText": ""})");
  ASSERT_EQ(empty.status, extract_status::ok);
  EXPECT_EQ(empty.text, "");
}

TEST(JsonPayload, CutsLinesLikePythonTextMode) {
  const std::string file =
      "{\"reviewText\": \"one\"}\n"
      "\n"                                     // empty line: JSONDecodeError, skipped
      "{\"reviewText\": \"two\\nlines\"}\r\n"  // CRLF, and an embedded newline sent as is
      "broken {\n"
      "{\"summary\": \"no text\"}\r"  // a lone CR ends a line too
      "{\"reviewText\": 7}\n"
      "{\"reviewText\": \"\"}\n"
      "{\"reviewText\": \"last, no newline\"}";
  const replay_payload p = build_json_payload(simdjson::padded_string(file), "reviewText");
  EXPECT_EQ(p.bytes, "one\ntwo\nlines\n\nlast, no newline\n");
  EXPECT_EQ(p.lines(), 4u);
  EXPECT_EQ(p.skipped, 4u);
  ASSERT_EQ(p.line_end, (std::vector<std::size_t>{4, 14, 15, 32}));
  EXPECT_EQ(p.line_begin(0), 0u);
  EXPECT_EQ(p.line_begin(1), 4u);
  EXPECT_EQ(p.lines_within(0), 0u);
  EXPECT_EQ(p.lines_within(3), 0u);
  EXPECT_EQ(p.lines_within(4), 1u);
  EXPECT_EQ(p.lines_within(14), 2u);
  EXPECT_EQ(p.lines_within(p.bytes.size()), 4u);
}

TEST(JsonPayload, EmptyInput) {
  const replay_payload p = build_json_payload(simdjson::padded_string(std::string_view{}), "reviewText");
  EXPECT_TRUE(p.bytes.empty());
  EXPECT_EQ(p.lines(), 0u);
  EXPECT_EQ(p.skipped, 0u);
}

TEST(PlainPayload, LinesAsTheyAre) {
  const replay_payload p = build_plain_payload("a b\r\n\n  c\xff\nlast");
  EXPECT_EQ(p.bytes, "a b\r\n\n  c\xff\nlast\n");
  EXPECT_EQ(p.line_end, (std::vector<std::size_t>{5, 6, 11, 16}));
  EXPECT_EQ(p.skipped, 0u);

  EXPECT_EQ(build_plain_payload("x\n").bytes, "x\n");
  EXPECT_EQ(build_plain_payload("").lines(), 0u);
}

TEST(ReadInput, ReadsWholeFileAndReportsErrors) {
  std::string pattern = (std::filesystem::temp_directory_path() / "wcs-replay-read-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  const std::string path = (dir / "in.json").string();
  std::string content;
  for (int i = 0; i < 100000; ++i) content += "{\"reviewText\": \"line " + std::to_string(i) + "\"}\n";
  std::ofstream(path, std::ios::binary) << content;
  const simdjson::padded_string read = read_input(path);
  EXPECT_EQ(std::string_view(read), content);

  const std::string missing = (dir / "missing.json").string();
  try {
    read_input(missing);
    ADD_FAILURE() << "no exception for a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + missing + ": No such file or directory");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wcs
