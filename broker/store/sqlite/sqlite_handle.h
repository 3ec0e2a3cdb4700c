// Owners for SQLite handles, and a prepared statement with typed binding helpers. The only place
// that calls sqlite3_close / sqlite3_finalize. One connection per thread; not shared.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ozgbus::broker::sqlite {

struct DbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbDeleter>;

// Thrown only inside the store for SQLite failures (disk full, I/O error); apply() turns it into
// a failed commit, never lets it leave the store.
struct Error : std::runtime_error {
  explicit Error(const std::string& what, int rc = SQLITE_ERROR)
      : std::runtime_error(what), code(rc) {}
  int code;  // SQLite's result code (primary code in the low byte)

  // The file's content is damaged: repeating the same operation cannot succeed.
  bool damaged() const {
    const int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
  }
};

inline void check(sqlite3* db, int rc, std::string_view what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw Error(std::string(what) + ": " + sqlite3_errmsg(db), sqlite3_extended_errcode(db));
  }
}

inline void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw Error(std::string(sql).substr(0, 40) + ": " + msg, rc);
  }
}

// A connection with a busy timeout, so a reader waits for a checkpoint instead of failing.
inline Db open(const std::filesystem::path& file, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    throw Error(file.string() + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)), rc);
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* s = nullptr;
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr), sql);
    stmt_.reset(s);
  }

  // Binding resets a statement left mid-way by an exception (a read loop that threw).
  Stmt& bind(int i, std::int64_t v) {
    check(db_, sqlite3_bind_int64(stmt_.get(), i, v), "bind");
    return *this;
  }
  Stmt& bind(int i, std::string_view v) {
    check(db_,
          sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT),
          "bind");
    return *this;
  }
  Stmt& bindBlob(int i, std::string_view v) {
    check(db_,
          sqlite3_bind_blob(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC),
          "bind");
    return *this;
  }

  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      const std::string what = std::string(sqlite3_sql(stmt_.get())) + ": " + sqlite3_errmsg(db_);
      const int code = sqlite3_extended_errcode(db_);
      reset();  // a failed statement must not poison the next use (every later bind would fail)
      throw Error(what, code);
    }
    return rc == SQLITE_ROW;
  }
  void run() {
    step();
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_.get(), col);
    return p != nullptr
               ? std::string(reinterpret_cast<const char*>(p),
                             static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
               : std::string();
  }
  std::string blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_.get(), col));
    return p != nullptr
               ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
               : std::string();
  }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace ozgbus::broker::sqlite
