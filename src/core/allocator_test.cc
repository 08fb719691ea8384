#include "core/allocator.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstddef>
#include <initializer_list>

namespace fidelis::core {
namespace {

// Under jemalloc (release builds) every arena, existing and future, stops purging; under another
// allocator (the sanitizer builds) nothing is asked and the answer says so.
TEST(Allocator, RetainsFreedMemoryUnderJemallocOnly) {
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  const auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl == nullptr) {
    EXPECT_FALSE(retain_freed_memory());
    return;
  }
  ASSERT_TRUE(retain_freed_memory());
  for (const char* name : {"arenas.dirty_decay_ms", "arenas.muzzy_decay_ms",
                           "arena.0.dirty_decay_ms", "arena.0.muzzy_decay_ms"}) {
    ssize_t decay = 0;
    std::size_t size = sizeof decay;
    ASSERT_EQ(mallctl(name, &decay, &size, nullptr, 0), 0) << name;
    EXPECT_EQ(decay, -1) << name;
  }
}

}  // namespace
}  // namespace fidelis::core
