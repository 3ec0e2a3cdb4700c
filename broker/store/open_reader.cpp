#include "broker/store/open_reader.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>

#include "broker/store/postgres/pg_reader.h"
#include "broker/store/sqlite/sqlite_store.h"

namespace ozgbus::broker {
namespace {

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

}  // namespace

Result<PgOptions> pgOptions(const StoreConfig& c) {
  PgOptions options{c.url, "", c.node};
  if (!c.password_file.empty()) {
    auto password = passwordFrom(c.password_file);
    if (!password) return password.rejection();
    options.password = std::move(*password);
  }
  return options;
}

Result<std::unique_ptr<StoreReader>> openConfiguredReader(const StoreConfig& c) {
  if (c.backend != "postgres") return openSqliteReader(c.path);
  auto options = pgOptions(c);
  if (!options) return options.rejection();
  return PgReader::open(*options);
}

}  // namespace ozgbus::broker
