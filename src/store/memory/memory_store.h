// An in-memory store: same interface and behaviour as SQLite, nothing durable. Used for replay
// verification, simulation and tests.
#pragma once

#include <memory>

#include "store/store.h"

namespace fidelis::store {

std::unique_ptr<Store> make_memory_store();

}  // namespace fidelis::store
