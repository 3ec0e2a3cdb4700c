#include "broker/store/open_store.h"

#include <spdlog/spdlog.h>

#include "broker/store/open_reader.h"
#include "broker/store/postgres/pg_cluster.h"
#include "broker/store/postgres/pg_store.h"
#include "broker/store/sqlite/sqlite_store.h"

namespace ozgbus::broker {
namespace {

Result<OpenedStore> openSqlite(const StoreConfig& c) {
  std::error_code ec;
  std::filesystem::create_directories(c.path.parent_path(), ec);
  auto lock = util::FileLock::acquire(c.path.string() + ".lock");
  if (!lock) return lock.rejection();
  auto store = SqliteStore::open(
      c.path, SqliteOptions{c.fsync, c.wal_restart_bytes, c.accept_loss, c.check_at_open});
  if (!store) return store.rejection();
  return OpenedStore{std::move(*store), std::move(*lock)};
}

Result<OpenedStore> openPostgres(const StoreConfig& c) {
  auto options = pgOptions(c);
  if (!options) return options.rejection();
  auto store = PgStore::open(*options);
  if (!store) return store.rejection();
  return OpenedStore{std::move(*store), nullptr};
}

}  // namespace

Result<OpenedStore> openConfiguredStore(const StoreConfig& c) {
  return c.backend == "postgres" ? openPostgres(c) : openSqlite(c);
}

Result<std::unique_ptr<ClusterLink>> openClusterLink(const StoreConfig& c,
                                                     const std::string& listen) {
  if (c.node.empty()) return std::unique_ptr<ClusterLink>();
  auto options = pgOptions(c);
  if (!options) return options.rejection();
  return PgClusterLink::open(*options, c.lease, listen);
}

}  // namespace ozgbus::broker
