#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/errors.h"
#include "core/json_pointer.h"
#include "core/json_reader.h"
#include "core/json_writer.h"

namespace fidelis::core {
namespace {

TEST(JsonWriter, EscapesQuotesControlsAndKeepsUtf8) {
  JsonWriter out;
  out.begin_object().key("a\"b").value("line\nbreak\t\x01\\").key("n").value(std::int64_t{-42});
  out.key("list").begin_array().value(true).null().value("é€").end_array().end_object();
  EXPECT_EQ(out.str(), R"({"a\"b":"line\nbreak\t\u0001\\","n":-42,"list":[true,null,"é€"]})");
}

// The writer checks 8 bytes at a time for bytes to escape: every byte value, at every place in
// strings of every length around the word size, must come out as a byte-by-byte escaper writes it.
TEST(JsonWriter, EscapesEveryByteWhereverItStands) {
  auto reference = [](std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (byte < 0x20) {
        static const std::map<char, std::string> kShort = {
            {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}, {'\b', "\\b"}, {'\f', "\\f"}};
        if (auto it = kShort.find(c); it != kShort.end()) {
          out += it->second;
        } else {
          static constexpr char kHex[] = "0123456789abcdef";
          out += std::string("\\u00") + kHex[byte >> 4] + kHex[byte & 0xF];
        }
      } else {
        out += c;
      }
    }
    return out + "\"";
  };
  for (std::size_t length = 1; length <= 25; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(length, 'k');
        text[at] = static_cast<char>(byte);
        std::string written;
        append_json_string(written, text);
        ASSERT_EQ(written, reference(text)) << "byte " << byte << " at " << at << " of " << length;
      }
    }
  }
  std::string empty;
  append_json_string(empty, "");
  EXPECT_EQ(empty, "\"\"");
}

TEST(JsonPointer, EscapesTildeAndSlashOnlyWhereTheyStand) {
  EXPECT_EQ(json_pointer_child("/data", "order_id"), "/data/order_id");
  EXPECT_EQ(json_pointer_child("", "a~b/c~"), "/a~0b~1c~0");
  EXPECT_EQ(json_pointer_child("/x", ""), "/x/");
}

TEST(JsonReader, CanonicalFormSortsKeysAndDropsSpacing) {
  JsonParser parser;
  auto parsed = parser.parse_object(R"( { "b": 1, "a": {"z": [1, 2.5, "x"], "y": null} } )");
  ASSERT_TRUE(parsed.ok());
  JsonWriter out;
  ASSERT_TRUE(write_canonical(out, *parsed).ok());
  EXPECT_EQ(out.str(), R"({"a":{"y":null,"z":[1,2.5,"x"]},"b":1})");
}

TEST(JsonReader, RefusesDuplicateKeys) {
  JsonParser parser;
  auto parsed = parser.parse_object(R"({"a": {"k": 1, "k": 2}})");
  ASSERT_TRUE(parsed.ok());
  JsonWriter out;
  const auto status = write_canonical(out, *parsed);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().where, "/a/k");
}

TEST(JsonReader, LocatesSyntaxErrors) {
  JsonParser parser;
  auto parsed = parser.parse_object(R"({"id": "e1", "type": })");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::json_malformed);
  EXPECT_NE(parsed.error().message.find("column 22"), std::string::npos) << parsed.error().message;
  EXPECT_EQ(parser.parse_object("[1]").error().code, ErrorCode::json_not_object);
}

TEST(JsonReader, ReportsEveryProblemWithItsPointer) {
  JsonParser parser;
  auto parsed = parser.parse_object(R"({"n": "7", "s": 3, "o/k": {}})");
  ASSERT_TRUE(parsed.ok());
  Errors errors;
  ObjectReader reader(*parsed, "/data", errors);
  EXPECT_FALSE(reader.integer("n", true));
  EXPECT_FALSE(reader.string("s", true));
  EXPECT_FALSE(reader.string("missing", true));
  reader.reject_unknown({"n", "s"});
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].where, "/data/n");
  EXPECT_EQ(errors[0].code, ErrorCode::field_wrong_type);
  EXPECT_EQ(errors[2].code, ErrorCode::field_missing);
  EXPECT_EQ(errors[3].where, "/data/o~1k");
}

}  // namespace
}  // namespace fidelis::core

#include <fstream>
#include <sstream>

namespace fidelis::core {
namespace {

TEST(ErrorCodes, AreAllDocumented) {
  std::ifstream file(std::string(FIDELIS_SOURCE_DIR_DEFAULT) + "/docs/reference/errors.md");
  ASSERT_TRUE(file) << "docs/reference/errors.md is missing";
  std::stringstream text;
  text << file.rdbuf();
  for (const ErrorCode code : all_error_codes()) {
    EXPECT_NE(text.str().find("`" + std::string(error_code_name(code)) + "`"), std::string::npos)
        << error_code_name(code) << " is not in docs/reference/errors.md";
  }
}

}  // namespace
}  // namespace fidelis::core
