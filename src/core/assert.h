// Assertions for our own bugs (never for bad input, which is an Error). FIDELIS_ASSERT stays on
// in release builds: halting beats writing a wrong ledger.
#pragma once

namespace fidelis::core {
[[noreturn]] void assertion_failed(const char* condition, const char* file, int line);
}

#define FIDELIS_ASSERT(condition)                                                        \
  do {                                                                                   \
    if (!(condition)) ::fidelis::core::assertion_failed(#condition, __FILE__, __LINE__); \
  } while (false)

#ifdef NDEBUG
#define FIDELIS_DEBUG_ASSERT(condition) \
  do {                                  \
  } while (false)
#else
#define FIDELIS_DEBUG_ASSERT(condition) FIDELIS_ASSERT(condition)
#endif
