// Reading JSON with located errors. Parsing uses simdjson's DOM parser (the fastest measured on
// this machine, see docs/decisions/0002-json.md); a syntax error is located by a second, slower
// parse with nlohmann/json, which reports the byte offset. Include this header only in the few
// .cc files that parse, to keep simdjson out of the rest of the build.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_pointer.h"
#include "core/json_writer.h"
#include "core/result.h"

namespace fidelis::core {

// Owns a reusable simdjson parser. The element returned by parse() stays valid until the next
// call. Not thread-safe: use one per thread.
class JsonParser {
 public:
  // Errors: json_malformed (with the byte offset and what was expected), json_not_object.
  Result<simdjson::dom::object> parse_object(std::string_view text);

 private:
  simdjson::dom::parser parser_;
};

// Typed access to the members of one JSON object, recording a located error for each problem
// instead of stopping at the first. Getters return nothing when the member is absent (and, if
// required, record field_missing) or has the wrong type (field_wrong_type).
class ObjectReader {
 public:
  ObjectReader(simdjson::dom::object object, std::string pointer, Errors& errors)
      : object_(object), pointer_(std::move(pointer)), errors_(&errors) {}

  bool has(std::string_view key) const;
  std::optional<simdjson::dom::element> element(std::string_view key, bool required);
  std::optional<std::string_view> string(std::string_view key, bool required,
                                         std::size_t max_length = 1024);
  std::optional<std::int64_t> integer(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key, bool required);
  std::optional<simdjson::dom::object> object(std::string_view key, bool required);
  std::optional<simdjson::dom::array> array(std::string_view key, bool required);
  // Records field_unknown for every member whose key is not listed (strict formats).
  void reject_unknown(std::initializer_list<std::string_view> known);

  std::string pointer(std::string_view key) const { return json_pointer_child(pointer_, key); }
  const std::string& self_pointer() const { return pointer_; }
  void add_error(ErrorCode code, std::string message, std::string where) {
    errors_->push_back(make_error(code, std::move(message), std::move(where)));
  }
  Errors& errors() { return *errors_; }

 private:
  void wrong_type(std::string_view key, std::string_view expected);

  simdjson::dom::object object_;
  std::string pointer_;
  Errors* errors_;
};

std::string_view json_type_name(simdjson::dom::element_type type);

// Writes `element` in canonical form: objects with keys sorted bytewise, no insignificant
// white space, strings escaped as JsonWriter does. Two documents that differ only in key order
// or spacing have the same canonical form. Error: json_malformed on a duplicate key.
// `pointer` is where `element` sits; it is used as a scratch buffer (extended and restored), so
// that no string is built per key unless there is an error to report.
Status write_canonical(JsonWriter& out, simdjson::dom::element element, std::string& pointer);
Status write_canonical(JsonWriter& out, simdjson::dom::object object, std::string& pointer);
inline Status write_canonical(JsonWriter& out, simdjson::dom::object object) {
  std::string pointer;
  return write_canonical(out, object, pointer);
}

}  // namespace fidelis::core
