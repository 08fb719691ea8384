// JsonWriter: comma bookkeeping and RFC 8259 string escaping.
#include "core/json_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "core/assert.h"

namespace fidelis::core {

namespace {

constexpr std::uint64_t kEachByte = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Whether one of the 8 bytes of `word` is below `bound` (<= 128): the borrow of the subtraction
// reaches the high bit of exactly such bytes.
constexpr bool has_byte_below(std::uint64_t word, std::uint64_t bound) {
  return ((word - kEachByte * bound) & ~word & kHighBits) != 0;
}

constexpr bool has_byte(std::uint64_t word, unsigned char byte) {
  return has_byte_below(word ^ (kEachByte * byte), 1);
}

// Whether a byte of `word` must be escaped in a JSON string: a control character, '"' or '\'.
constexpr bool must_escape(std::uint64_t word) {
  return has_byte_below(word, 0x20) || has_byte(word, '"') || has_byte(word, '\\');
}

// Whether `text` holds a byte to escape, checked 8 bytes at a time: nearly every string written
// (ids, keys, timestamps, amounts) has none, and canonical event bodies are about a tenth of a
// bulk ingest's instructions, most of them in this check when it went byte by byte.
bool needs_escaping(std::string_view text) {
  const char* data = text.data();
  const std::size_t size = text.size();
  std::uint64_t word = 0;
  if (size < 8) {
    word = kEachByte * 'a';  // padding that needs no escape
    std::memcpy(&word, data, size);
    return must_escape(word);
  }
  for (std::size_t at = 0; at + 8 <= size; at += 8) {
    std::memcpy(&word, data + at, 8);
    if (must_escape(word)) return true;
  }
  std::memcpy(&word, data + size - 8, 8);  // the last 8 bytes, overlapping the loop's last word
  return must_escape(word);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  if (!needs_escaping(text)) {
    out += '"';
    out.append(text);
    out += '"';
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Copy runs of characters that need no escaping in one append; escape the others one by one.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text, run_start, i - run_start);
    run_start = i + 1;
    switch (byte) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
    }
  }
  out.append(text, run_start, text.size() - run_start);
  out += '"';
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_members_.empty()) {
    if (has_members_.back()) out_ += ',';
    has_members_.back() = true;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  has_members_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  FIDELIS_ASSERT(!has_members_.empty());
  has_members_.pop_back();
  out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  has_members_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  FIDELIS_ASSERT(!has_members_.empty());
  has_members_.pop_back();
  out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  FIDELIS_ASSERT(!after_key_);
  before_value();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, result.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  before_value();
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, result.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, result.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

void JsonWriter::clear() {
  out_.clear();
  has_members_.clear();
  after_key_ = false;
}

}  // namespace fidelis::core
