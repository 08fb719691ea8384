// Runs the real `fidelis` binary for CLI tests: a scratch directory with a database path, and
// run("ARGS", stdin) returning the exit code and what was printed.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/scratch_dir.h"

namespace fidelis::test_support {

struct CliOutcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

inline std::string fidelis_binary() {
  const char* env = std::getenv("FIDELIS_BIN");
  return env != nullptr ? env : FIDELIS_BIN_DEFAULT;
}

inline std::filesystem::path source_dir() {
  const char* env = std::getenv("FIDELIS_SOURCE_DIR");
  return env != nullptr ? env : FIDELIS_SOURCE_DIR_DEFAULT;
}

class CliTest : public ::testing::Test {
 protected:
  CliTest() : db_(scratch_.file("cli.db")) {}

  // Runs `fidelis ARGS` (words without spaces or quotes) with `input` on stdin.
  CliOutcome run(const std::string& args, const std::string& input = "") {
    std::ofstream(scratch_.file("in")) << input;
    const std::string command = fidelis_binary() + " " + args + " < " + scratch_.file("in") +
                                " > " + scratch_.file("out") + " 2> " + scratch_.file("err");
    const int status = std::system(command.c_str());
    CliOutcome result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_text(scratch_.file("out"));
    result.err = read_text(scratch_.file("err"));
    return result;
  }

  // A file in the scratch directory with `text` in it; returns its path.
  std::string write_file(const std::string& name, const std::string& text) {
    std::ofstream(scratch_.file(name)) << text;
    return scratch_.file(name);
  }

  ScratchDir scratch_;
  std::string db_;
};

}  // namespace fidelis::test_support
