// Tuning of the allocator the program runs on (jemalloc in release builds, decision 0021).
#pragma once

namespace fidelis::core {

// Asks the allocator to keep the memory a program frees for its own reuse instead of handing the
// pages back to the system. A bulk ingest frees each batch's memory (tens of MB) once it is
// written and allocates as much for the next: handed back, every page is faulted in again.
// Returns false, changing nothing, when the allocator is not jemalloc (glibc, the sanitizers').
bool retain_freed_memory();

}  // namespace fidelis::core
