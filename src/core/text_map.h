// A hash map from strings that is looked up by string_view without building a string (ids of
// members, customers, SKUs on hot paths).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fidelis::core {

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

template <typename Value>
using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;

}  // namespace fidelis::core
