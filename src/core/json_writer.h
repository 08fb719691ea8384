// A small, fast JSON writer: appends to a std::string, handles commas and escaping. Used for every
// JSON Fidelis prints or stores (canonical event bodies, member state, ledger lines).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fidelis::core {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // Inserts already-serialized JSON as one value (the caller vouches for its validity).
  JsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  std::string take() { return std::move(out_); }
  void clear();

 private:
  void before_value();

  std::string out_;
  std::vector<bool> has_members_;  // per open container: has it had an element yet?
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (with quotes) to `out`.
void append_json_string(std::string& out, std::string_view text);

}  // namespace fidelis::core
