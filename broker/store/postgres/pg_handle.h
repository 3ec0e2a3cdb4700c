// Owners for libpq handles, parameters and results of prepared statements, and a row stream. The
// only place that calls PQfinish / PQclear / PQfreemem. One connection per thread; not shared.
// Documents travel as binary parameters with their lengths, and come back in binary results,
// so every byte, NUL included, is stored and read as it was.
#pragma once

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ozgbus::broker::pg {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, ConnCloser>;

struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultClearer>;

struct MemFreer {
  void operator()(void* p) const { PQfreemem(p); }
};

// Thrown only inside the store for PostgreSQL failures (connection lost, disk full, a constraint);
// apply() turns it into a failed commit, a reader into a Rejection; it never leaves the store.
struct Error : std::runtime_error {
  explicit Error(const std::string& what, std::string state = {})
      : std::runtime_error(what), sqlstate(std::move(state)) {}
  std::string sqlstate;  // PostgreSQL's SQLSTATE, empty when the failure is libpq's own

  // The stored data is damaged (a page failing its checksum, a broken index): repeating the same
  // operation cannot succeed.
  bool damaged() const { return sqlstate == "XX001" || sqlstate == "XX002"; }
  // The server is going away or not there yet (shutdown, crash recovery, too many clients);
  // a lost connection shows as the connection's status instead.
  bool unavailable() const {
    return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
           sqlstate == "57P03" || sqlstate == "53300";
  }
};

// An id or count as PostgreSQL's bigint takes it.
inline std::int64_t clamped(std::uint64_t v) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(v < kMax ? v : kMax);
}

// libpq's messages end in a newline (and may span lines): one line for logs and details.
inline std::string oneLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s.empty() ? "unknown error" : s;
}

// The result of a command that must have succeeded; throws Error naming `what` otherwise.
inline PgResult checked(PGconn* conn, PGresult* raw, std::string_view what) {
  PgResult r(raw);
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
  throw Error(
      std::string(what) + ": " + oneLine(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn)),
      state != nullptr ? state : "");
}

// One or more SQL commands without parameters (simple query protocol).
inline PgResult exec(PGconn* conn, const char* sql) {
  return checked(conn, PQexec(conn, sql), std::string_view(sql).substr(0, 40));
}

// "PostgreSQL database ozgbus on db.example:5432", for messages (never the password).
inline std::string describe(PGconn* conn) {
  const char* host = PQhost(conn);
  return std::string("PostgreSQL database ") + PQdb(conn) + " on " +
         (host != nullptr && *host != '\0' ? host : "localhost") + ":" + PQport(conn);
}

// What each connection of the store sets for its session; again after a reset (a new session).
inline void configure(PGconn* conn) {
  // A server notice (e.g. "relation already exists, skipping") goes to the log, not to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char* message) { spdlog::debug("PostgreSQL: {}", oneLine(message)); },
      nullptr);
  // ACCEPTED is said only after COMMIT returned: the commit must be on disk by then, whatever
  // the server's or the role's default.
  exec(conn, "SET synchronous_commit = on");
}

// A connection to the database `url` names (a URI or "key=value" string; empty: libpq's
// environment defaults). A non-empty password overrides the URL's, PGPASSWORD and ~/.pgpass.
inline PgConn connect(const std::string& url, const std::string& password) {
  // Later entries override what the URL says; earlier ones are defaults it may override.
  const char* keys[] = {"connect_timeout", "dbname", "client_encoding", "password", nullptr};
  const char* values[] = {"10", url.c_str(), "UTF8", password.empty() ? nullptr : password.c_str(),
                          nullptr};
  PgConn conn(PQconnectdbParams(keys, values, 1));
  if (!conn) throw Error("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw Error("cannot connect to PostgreSQL: " + oneLine(PQerrorMessage(conn.get())));
  }
  configure(conn.get());
  return conn;
}

// Back to a working connection after the server or the network dropped it: one PQreset; throws
// Error when that fails too. The caller prepares its statements again (a new session has none).
inline void reset(PGconn* conn) {
  PQreset(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    throw Error("connection lost and not restored: " + oneLine(PQerrorMessage(conn)));
  }
  configure(conn);
}

// The parameters of one execution. Text and numbers are copied; documents (bytes) are viewed
// and must outlive the execution. Text goes in binary format with its length, so that a NUL in
// it fails the statement instead of cutting the value short.
class Params {
 public:
  Params& text(std::string_view v) { return add(std::string(v), {}, true, 1); }
  Params& integer(std::int64_t v) { return add(std::to_string(v), {}, true, 0); }
  Params& bytes(std::string_view v) { return add({}, v, false, 1); }
  Params& null() {
    values_.push_back(Value{{}, {}, false, true, 0});
    return *this;
  }
  // One-dimensional arrays in PostgreSQL's binary array format (for $n::bigint[] / $n::text[]):
  // one statement for many rows, with no quoting of the elements.
  Params& integers(const std::vector<std::int64_t>& v) {
    std::string out = arrayHeader(20 /* int8 */, v.size());
    for (const std::int64_t x : v) {
      appendU32(out, 8);
      appendU64(out, static_cast<std::uint64_t>(x));
    }
    return add(std::move(out), {}, true, 1);
  }
  // Store ids (unsigned) as bigint[].
  Params& ids(const std::vector<std::uint64_t>& v) {
    std::vector<std::int64_t> signed_ids;
    signed_ids.reserve(v.size());
    for (const std::uint64_t id : v) signed_ids.push_back(clamped(id));
    return integers(signed_ids);
  }
  Params& texts(const std::vector<std::string_view>& v) {
    std::string out = arrayHeader(25 /* text */, v.size());
    for (const std::string_view x : v) {
      appendU32(out, static_cast<std::uint32_t>(x.size()));
      out.append(x);
    }
    return add(std::move(out), {}, true, 1);
  }

  // Text or bytea elements, some of them NULL (nullopt).
  Params& texts(const std::vector<std::optional<std::string_view>>& v) { return array(25, v); }
  Params& byteas(const std::vector<std::optional<std::string_view>>& v) { return array(17, v); }

  int size() const { return static_cast<int>(values_.size()); }

  // Pointer arrays for PQexecPrepared, valid while this object is unchanged.
  struct Arrays {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  Arrays arrays() const {
    Arrays a;
    for (const Value& v : values_) {
      const std::string_view s = v.owned ? std::string_view(v.copy) : v.view;
      // A null pointer would mean SQL NULL: an empty document is "", not NULL.
      a.values.push_back(v.is_null ? nullptr : s.data() != nullptr ? s.data() : "");
      a.lengths.push_back(static_cast<int>(s.size()));
      a.formats.push_back(v.format);
    }
    return a;
  }

 private:
  struct Value {
    std::string copy;
    std::string_view view;
    bool owned = false;
    bool is_null = false;
    int format = 0;  // 0 text, 1 binary
  };

  Params& add(std::string copy, std::string_view view, bool owned, int format) {
    if (copy.size() > 0x7fffffffu || view.size() > 0x7fffffffu) {
      throw Error("a parameter of " + std::to_string(std::max(copy.size(), view.size())) +
                  " bytes is larger than PostgreSQL takes");
    }
    values_.push_back(Value{std::move(copy), view, owned, false, format});
    return *this;
  }
  static void appendU32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((v >> shift) & 0xff));
    }
  }
  static void appendU64(std::string& out, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((v >> shift) & 0xff));
    }
  }
  Params& array(std::uint32_t element_oid, const std::vector<std::optional<std::string_view>>& v) {
    std::size_t bytes = 20;
    for (const auto& x : v) bytes += 4 + (x ? x->size() : 0);
    std::string out = arrayHeader(element_oid, v.size(), true);
    out.reserve(bytes);
    for (const auto& x : v) {
      appendU32(out, x ? static_cast<std::uint32_t>(x->size()) : 0xffffffffu);  // -1: NULL
      if (x) out.append(*x);
    }
    return add(std::move(out), {}, true, 1);
  }
  static std::string arrayHeader(std::uint32_t element_oid, std::size_t n, bool nulls = false) {
    std::string out;
    appendU32(out, 1);              // dimensions
    appendU32(out, nulls ? 1 : 0);  // whether NULL elements may follow
    appendU32(out, element_oid);
    appendU32(out, static_cast<std::uint32_t>(n));
    appendU32(out, 1);  // lower bound
    return out;
  }

  std::vector<Value> values_;
};

// A result's rows, read in either format: numbers and text as the server sends them, bytea
// decoded from hex (text results) or taken as is (binary results). NULL reads as empty or 0.
class Rows {
 public:
  explicit Rows(PgResult r) : r_(std::move(r)) {}

  int size() const { return PQntuples(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  // Rows an UPDATE or DELETE without RETURNING changed.
  std::uint64_t affected() const {
    std::uint64_t n = 0;
    const char* s = PQcmdTuples(r_.get());
    std::from_chars(s, s + std::strlen(s), n);
    return n;
  }

  std::string text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
  }
  std::string bytes(int row, int col) const {
    if (null(row, col) || PQfformat(r_.get(), col) == 1) return text(row, col);
    std::size_t n = 0;
    std::unique_ptr<unsigned char, MemFreer> raw(PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n));
    if (!raw) throw Error("a stored document could not be decoded (out of memory)");
    return std::string(reinterpret_cast<const char*>(raw.get()), n);
  }
  std::int64_t integer(int row, int col) const {
    if (null(row, col)) return 0;
    const char* p = PQgetvalue(r_.get(), row, col);
    const int len = PQgetlength(r_.get(), row, col);
    if (PQfformat(r_.get(), col) == 1) {
      // Network byte order, two's complement; the width is the column type's.
      if (len != 2 && len != 4 && len != 8) {
        throw Error("column " + std::to_string(col) + " is no integer");
      }
      std::uint64_t v = (static_cast<unsigned char>(p[0]) & 0x80) != 0 ? ~std::uint64_t{0} : 0;
      for (int i = 0; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
      return static_cast<std::int64_t>(v);
    }
    std::int64_t v = 0;
    if (std::from_chars(p, p + len, v).ec != std::errc()) {
      throw Error("column " + std::to_string(col) +
                  " is no integer: " + std::string(p, static_cast<std::size_t>(len)));
    }
    return v;
  }

 private:
  PgResult r_;
};

// A statement prepared once on a connection (PQprepare), run with parameters. Parameter types
// come from casts in the SQL ($1::bigint), so nothing depends on the server's guessing.
class Statement {
 public:
  enum class Results { kText = 0, kBinary = 1 };

  Statement(PGconn* conn, std::string name, const char* sql, Results results = Results::kText)
      : conn_(conn), name_(std::move(name)), results_(static_cast<int>(results)) {
    checked(conn, PQprepare(conn, name_.c_str(), sql, 0, nullptr), "prepare " + name_);
  }

  Rows run(const Params& p) const {
    const Params::Arrays a = p.arrays();
    return Rows(checked(conn_,
                        PQexecPrepared(conn_, name_.c_str(), p.size(), a.values.data(),
                                       a.lengths.data(), a.formats.data(), results_),
                        name_));
  }

 private:
  PGconn* conn_;
  std::string name_;
  int results_;
};

// The rows of one query one at a time (libpq's single-row mode): memory does not grow with the
// result, and the whole result is one snapshot. The connection runs nothing else meanwhile;
// rows not read are drained when the stream ends.
class RowStream {
 public:
  RowStream(PGconn* conn, const char* sql, const Params& p) : conn_(conn) {
    const Params::Arrays a = p.arrays();
    if (PQsendQueryParams(conn, sql, p.size(), nullptr, a.values.data(), a.lengths.data(),
                          a.formats.data(), 0) == 0) {
      throw Error(std::string(sql).substr(0, 40) + ": " + oneLine(PQerrorMessage(conn)));
    }
    if (PQsetSingleRowMode(conn) == 0) {
      drain();
      throw Error(std::string(sql).substr(0, 40) + ": single-row mode refused");
    }
  }
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;
  ~RowStream() { drain(); }

  // The next row (row 0 of the Rows returned), or nullptr after the last.
  const Rows* next() {
    current_.reset();
    if (done_) return nullptr;
    PgResult r(PQgetResult(conn_));
    const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_TUPLES_OK;
    if (status == PGRES_SINGLE_TUPLE) {
      current_.emplace(std::move(r));
      return &*current_;
    }
    if (status == PGRES_TUPLES_OK) {
      drain();
      return nullptr;
    }
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    Error e("reading rows: " + oneLine(PQresultErrorMessage(r.get())), state ? state : "");
    drain();
    throw e;
  }

 private:
  void drain() {
    current_.reset();
    if (done_) return;
    done_ = true;
    while (PgResult r{PQgetResult(conn_)}) {
    }
  }

  PGconn* conn_;
  bool done_ = false;
  std::optional<Rows> current_;
};

}  // namespace ozgbus::broker::pg
