// Reading the store the configuration names ([store] backend), without a broker: SQLite
// read-only, also while a broker runs on the file; PostgreSQL a read-only connection of its own,
// also while brokers use the database. For ozgbus-broker --check and ozgbus audit --config.
#pragma once

#include <memory>

#include "broker/config/config.h"
#include "broker/store/postgres/pg_store.h"
#include "broker/store/store.h"

namespace ozgbus::broker {

Result<std::unique_ptr<StoreReader>> openConfiguredReader(const StoreConfig& c);

// [store] url and password_file (read here) for libpq, with [cluster] node.
Result<PgOptions> pgOptions(const StoreConfig& c);

}  // namespace ozgbus::broker
