// JsonParser, ObjectReader and canonical JSON writing.
#include "core/json_reader.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace fidelis::core {

namespace {

// simdjson says only that a document is malformed; nlohmann/json says where and why.
std::string locate_syntax_error(std::string_view text) {
  try {
    const auto document = nlohmann::json::parse(text.begin(), text.end());
    (void)document;
  } catch (const nlohmann::json::parse_error& error) {
    std::string message = error.what();
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ..."
    const std::size_t start = message.find("] ");
    if (start != std::string::npos) message = message.substr(start + 2);
    return message;
  } catch (const std::exception& error) {
    return error.what();
  }
  return "not valid JSON";
}

}  // namespace

Result<simdjson::dom::object> JsonParser::parse_object(std::string_view text) {
  simdjson::dom::element root;
  if (parser_.parse(text.data(), text.size(), true).get(root) != simdjson::SUCCESS) {
    return make_error(ErrorCode::json_malformed, locate_syntax_error(text), "");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return make_error(ErrorCode::json_not_object,
                      "expected a JSON object, found " + std::string(json_type_name(root.type())),
                      "");
  }
  return object;
}

std::string_view json_type_name(simdjson::dom::element_type type) {
  using simdjson::dom::element_type;
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
      return "an integer";
    case element_type::DOUBLE:
      return "a decimal number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

bool ObjectReader::has(std::string_view key) const {
  simdjson::dom::element value;
  return object_.at_key(key).get(value) == simdjson::SUCCESS && !value.is_null();
}

std::optional<simdjson::dom::element> ObjectReader::element(std::string_view key, bool required) {
  simdjson::dom::element value;
  // A member that is null counts as absent: optional fields may be sent as null.
  if (object_.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
    if (required)
      add_error(ErrorCode::field_missing, std::string(key) + " is required", pointer(key));
    return std::nullopt;
  }
  return value;
}

void ObjectReader::wrong_type(std::string_view key, std::string_view expected) {
  // Only called for members known to exist.
  const simdjson::dom::element value = object_.at_key(key).value_unsafe();
  add_error(ErrorCode::field_wrong_type,
            std::string(key) + " must be " + std::string(expected) + ", found " +
                std::string(json_type_name(value.type())),
            pointer(key));
}

std::optional<std::string_view> ObjectReader::string(std::string_view key, bool required,
                                                     std::size_t max_length) {
  const auto value = element(key, required);
  if (!value) return std::nullopt;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) {
    wrong_type(key, "a string");
    return std::nullopt;
  }
  if (text.empty() || text.size() > max_length) {
    add_error(ErrorCode::string_length_invalid,
              std::string(key) + " must have 1 to " + std::to_string(max_length) + " characters",
              pointer(key));
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required) {
  const auto value = element(key, required);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  if (value->get_int64().get(number) != simdjson::SUCCESS) {
    if (value->type() == simdjson::dom::element_type::UINT64) {
      add_error(ErrorCode::value_out_of_range, std::string(key) + " is too large", pointer(key));
    } else {
      wrong_type(key, "an integer");
    }
    return std::nullopt;
  }
  return number;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const auto value = element(key, required);
  if (!value) return std::nullopt;
  bool flag = false;
  if (value->get_bool().get(flag) != simdjson::SUCCESS) {
    wrong_type(key, "true or false");
    return std::nullopt;
  }
  return flag;
}

std::optional<simdjson::dom::object> ObjectReader::object(std::string_view key, bool required) {
  const auto value = element(key, required);
  if (!value) return std::nullopt;
  simdjson::dom::object result;
  if (value->get_object().get(result) != simdjson::SUCCESS) {
    wrong_type(key, "an object");
    return std::nullopt;
  }
  return result;
}

std::optional<simdjson::dom::array> ObjectReader::array(std::string_view key, bool required) {
  const auto value = element(key, required);
  if (!value) return std::nullopt;
  simdjson::dom::array result;
  if (value->get_array().get(result) != simdjson::SUCCESS) {
    wrong_type(key, "an array");
    return std::nullopt;
  }
  return result;
}

void ObjectReader::reject_unknown(std::initializer_list<std::string_view> known) {
  for (const auto field : object_) {
    if (std::find(known.begin(), known.end(), field.key) == known.end()) {
      add_error(ErrorCode::field_unknown, "unknown field \"" + std::string(field.key) + "\"",
                pointer(field.key));
    }
  }
}

Status write_canonical(JsonWriter& out, simdjson::dom::object object, std::string& pointer) {
  // Small objects are the rule: their members are sorted in place on the stack, larger ones on
  // the heap (an allocation per object was a tenth of writing an event's canonical body).
  using Member = std::pair<std::string_view, simdjson::dom::element>;
  constexpr std::size_t kOnStack = 16;
  std::array<Member, kOnStack> on_stack;
  std::vector<Member> on_heap;
  const std::size_t count = object.size();
  Member* const first =
      count <= kOnStack ? on_stack.data() : (on_heap.resize(count), on_heap.data());
  std::size_t filled = 0;
  for (const auto field : object) first[filled++] = {field.key, field.value};
  const std::span<Member> members(first, filled);
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.begin_object();
  const std::size_t parent_length = pointer.size();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0 && members[i].first == members[i - 1].first) {
      append_json_pointer_segment(pointer, members[i].first);
      return make_error(ErrorCode::json_malformed,
                        "duplicate key \"" + std::string(members[i].first) + "\"", pointer);
    }
    out.key(members[i].first);
    const auto type = members[i].second.type();
    if (type == simdjson::dom::element_type::OBJECT || type == simdjson::dom::element_type::ARRAY) {
      append_json_pointer_segment(pointer, members[i].first);
      FIDELIS_CHECK(write_canonical(out, members[i].second, pointer));
      pointer.resize(parent_length);
    } else {
      FIDELIS_CHECK(write_canonical(out, members[i].second, pointer));
    }
  }
  out.end_object();
  return Ok{};
}

Status write_canonical(JsonWriter& out, simdjson::dom::element element, std::string& pointer) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::OBJECT:
      return write_canonical(out, simdjson::dom::object(element), pointer);
    case element_type::ARRAY: {
      out.begin_array();
      const std::size_t parent_length = pointer.size();
      std::size_t index = 0;
      for (const auto item : simdjson::dom::array(element)) {
        pointer += '/';
        pointer += std::to_string(index++);
        FIDELIS_CHECK(write_canonical(out, item, pointer));
        pointer.resize(parent_length);
      }
      out.end_array();
      break;
    }
    case element_type::INT64:
      out.value(std::int64_t(element));
      break;
    case element_type::UINT64:
      out.value(std::uint64_t(element));
      break;
    case element_type::DOUBLE:
      out.value(double(element));
      break;
    case element_type::STRING:
      out.value(std::string_view(element));
      break;
    case element_type::BOOL:
      out.value(bool(element));
      break;
    case element_type::NULL_VALUE:
      out.null();
      break;
  }
  return Ok{};
}

}  // namespace fidelis::core
