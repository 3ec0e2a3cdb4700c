// The Store implementations the contract tests (tests/unit/store_contract_test.cpp) run
// against. Each backend opens a store on data of its own, and opens it again on the same data
// (a restart). Add an engine here and every contract case runs against it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/store/postgres/pg_store.h"
#include "broker/store/sqlite/sqlite_store.h"
#include "tests/support/postgres_db.h"
#include "tests/support/temp_dir.h"

namespace ozgbus::testing {

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  virtual std::string name() const = 0;
  // The store on this backend's data; opened again, the same data.
  virtual Result<std::unique_ptr<broker::Store>> open() = 0;
};

class SqliteBackend final : public StoreBackend {
 public:
  std::string name() const override { return "sqlite"; }
  Result<std::unique_ptr<broker::Store>> open() override {
    auto s = broker::SqliteStore::open(dir_.path() / "s.db", true);
    if (!s) return s.rejection();
    return std::unique_ptr<broker::Store>(std::move(*s));
  }

 private:
  TempDir dir_;
};

// A database of its own on the suite's PostgreSQL server.
class PostgresBackend final : public StoreBackend {
 public:
  std::string name() const override { return "postgres"; }
  Result<std::unique_ptr<broker::Store>> open() override {
    auto s = broker::PgStore::open(broker::PgOptions{db_.url(), ""});
    if (!s) return s.rejection();
    return std::unique_ptr<broker::Store>(std::move(*s));
  }

 private:
  TestDatabase db_;
};

// One fresh backend of each kind.
inline std::vector<std::function<std::unique_ptr<StoreBackend>()>> storeBackends() {
  return {[] { return std::make_unique<SqliteBackend>(); },
          [] { return std::make_unique<PostgresBackend>(); }};
}

}  // namespace ozgbus::testing
