#include "core/json_pointer.h"

namespace fidelis::core {

void append_json_pointer_segment(std::string& pointer, std::string_view key) {
  pointer += '/';
  // Keys rarely hold '~' or '/': those are appended whole (one per key of every event parsed).
  bool plain = true;
  for (const char c : key) plain &= (c != '~') & (c != '/');
  if (plain) {
    pointer.append(key);
    return;
  }
  for (const char c : key) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

std::string json_pointer_child(std::string_view parent, std::string_view key) {
  std::string pointer(parent);
  append_json_pointer_segment(pointer, key);
  return pointer;
}

std::string json_pointer_index(std::string_view parent, std::size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

}  // namespace fidelis::core
