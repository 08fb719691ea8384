// A fresh directory for one test under the system's temp directory, named after the running test
// (and GoogleTest's seed, so parallel CTest runs never share one), removed when the test ends.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace fidelis::test_support {

class ScratchDir {
 public:
  ScratchDir() {
    const auto* test = ::testing::UnitTest::GetInstance();
    std::string name = std::string("fidelis-") + test->current_test_info()->test_suite_name() +
                       "-" + test->current_test_info()->name() + "-" +
                       std::to_string(test->random_seed());
    for (char& c : name) c = c == '/' ? '-' : c;  // parameterized names contain '/'
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace fidelis::test_support
