// The handler behind FIDELIS_ASSERT: report and stop the process.
#include "core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace fidelis::core {

void assertion_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "fidelis: internal assertion failed: %s at %s:%d\n", condition, file, line);
  std::abort();
}

}  // namespace fidelis::core
