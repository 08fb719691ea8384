// Command-line parsing for `fidelis`: global options (--db, --shop, --json) are accepted before or
// after the subcommand; every option is declared, so a typo is a usage error (exit 1).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace fidelis::cli {

struct Args {
  std::vector<std::string> words;  // subcommand words and positional arguments, in order
  std::map<std::string, std::string> options;  // --name value
  std::vector<std::string> flags;              // --name

  bool flag(std::string_view name) const;
  std::optional<std::string> option(std::string_view name) const;
  std::string db() const { return option("db").value_or("fidelis.db"); }
  std::string shop() const { return option("shop").value_or("default"); }
  bool json() const { return flag("json"); }
};

core::Result<Args> parse_args(int argc, char** argv);

}  // namespace fidelis::cli
