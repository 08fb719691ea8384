// The embedded default store: one SQLite file in WAL mode with synchronous=FULL, so that a
// committed batch survives a crash or power loss. Schema migrations are versioned in the code
// (PRAGMA user_version). One SqliteStore is one connection: use it from one thread.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace fidelis::store {

struct SqliteOptions {
  // FULL (default) syncs the WAL at every commit; NORMAL may lose the latest commits on power
  // loss and exists only for benchmarks that compare the two.
  bool synchronous_full = true;
  // Migrate no further than this version (0: the latest). Only tests of the migrations use it;
  // the store's own writes assume the latest schema.
  int schema_version = 0;
};

// Opens (creating and migrating if needed) the database at `path`.
core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path,
                                                 SqliteOptions options = {});

// The schema version this build writes.
int sqlite_schema_version();

}  // namespace fidelis::store
