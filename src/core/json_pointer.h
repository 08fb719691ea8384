// JSON Pointers (RFC 6901) that locate errors in a request or program body. Kept apart from
// json_reader.h so that code which only names locations does not compile simdjson.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fidelis::core {

// Appends "/" + key to `pointer`, escaping "~" and "/".
void append_json_pointer_segment(std::string& pointer, std::string_view key);

// "/data/lines/0" + "sku" -> "/data/lines/0/sku".
std::string json_pointer_child(std::string_view parent, std::string_view key);
std::string json_pointer_index(std::string_view parent, std::size_t index);

}  // namespace fidelis::core
