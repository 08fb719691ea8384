// retain_freed_memory through jemalloc's mallctl, looked up at run time: no build depends on it.
#include "core/allocator.h"

#include <dlfcn.h>
#include <sys/types.h>

#include <cstddef>
#include <initializer_list>
#include <string>

namespace fidelis::core {

bool retain_freed_memory() {
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  const auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl == nullptr) return false;
  // -1: never purge unused pages. "arenas.*" is the setting of arenas not yet in use (they are
  // created lazily, as threads need them); those in use are set one by one, and the ones not
  // initialised yet refuse (EFAULT) and will start from the new default.
  ssize_t never = -1;
  bool set = true;
  for (const char* name : {"arenas.dirty_decay_ms", "arenas.muzzy_decay_ms"}) {
    set = mallctl(name, nullptr, nullptr, &never, sizeof never) == 0 && set;
  }
  unsigned arenas = 0;
  std::size_t size = sizeof arenas;
  if (mallctl("arenas.narenas", &arenas, &size, nullptr, 0) != 0) return false;
  for (unsigned arena = 0; arena < arenas; ++arena) {
    for (const char* setting : {"dirty_decay_ms", "muzzy_decay_ms"}) {
      const std::string name = "arena." + std::to_string(arena) + "." + setting;
      (void)mallctl(name.c_str(), nullptr, nullptr, &never, sizeof never);
    }
  }
  return set;
}

}  // namespace fidelis::core
