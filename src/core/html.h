// Escaping text for HTML pages (the rules page, the analytics report): & < > " become entities.
#pragma once

#include <string>
#include <string_view>

namespace fidelis::core {

void append_html_escaped(std::string& out, std::string_view text);
inline std::string html_escaped(std::string_view text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

}  // namespace fidelis::core
