#include "broker/store/open_store.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>

#include "broker/store/postgres/pg_cluster.h"
#include "broker/store/postgres/pg_reader.h"
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

// The first line of the file; a file others may read is worth a warning, not a refusal.
Result<std::string> passwordFrom(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    return reject(v1::STORE_FAILED, "store.password_file " + file.string() + ": cannot be read");
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    spdlog::warn("store.password_file {} may be read by others (chmod 600)", file.string());
  }
  return password;
}

Result<PgOptions> pgOptions(const StoreConfig& c) {
  PgOptions options{c.url, "", c.node};
  if (!c.password_file.empty()) {
    auto password = passwordFrom(c.password_file);
    if (!password) return password.rejection();
    options.password = std::move(*password);
  }
  return options;
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

Result<std::unique_ptr<StoreReader>> openConfiguredReader(const StoreConfig& c) {
  if (c.backend != "postgres") return openSqliteReader(c.path);
  auto options = pgOptions(c);
  if (!options) return options.rejection();
  return PgReader::open(*options);
}

}  // namespace ozgbus::broker
