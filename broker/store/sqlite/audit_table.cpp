#include "broker/store/sqlite/audit_table.h"

#include <limits>

namespace ozgbus::broker {
namespace {

constexpr const char* kColumns =
    "seq, at_ms, event, message_uuid, participant, detail, prev_hash, hash";

AuditEntry readEntry(const sqlite::Stmt& s) {
  AuditEntry e;
  e.seq = static_cast<std::uint64_t>(s.integer(0));
  e.at_ms = s.integer(1);
  e.event = s.text(2);
  e.message_uuid = s.text(3);
  e.participant = s.text(4);
  e.detail = s.text(5);
  e.prev_hash = s.text(6);
  e.hash = s.text(7);
  return e;
}

}  // namespace

void insertAuditEntry(sqlite::Stmt& insert, const AuditEntry& e) {
  insert.bind(1, static_cast<std::int64_t>(e.seq)).bind(2, e.at_ms).bind(3, e.event);
  insert.bind(4, e.message_uuid).bind(5, e.participant).bind(6, e.detail);
  insert.bind(7, e.prev_hash).bind(8, e.hash).run();
}

bool hasAuditTable(sqlite3* db) {
  sqlite::Stmt s(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
  return s.step();
}

AuditTip loadAuditTip(sqlite3* db) {
  sqlite::Stmt s(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  AuditTip tip;
  if (s.step()) {
    tip.seq = static_cast<std::uint64_t>(s.integer(0));
    tip.hash = s.text(1);
  }
  return tip;
}

AuditVerdict verifyAuditTable(sqlite3* db, const std::optional<AuditTip>& anchor) {
  // Column 8: whether the row holds what the schema says. seq is the rowid, always an integer,
  // but may be 0 or negative.
  sqlite::Stmt s(db,
                 "SELECT seq, at_ms, event, message_uuid, participant, detail, prev_hash, hash,"
                 " typeof(at_ms) = 'integer' AND typeof(event) = 'text'"
                 " AND typeof(message_uuid) = 'text' AND typeof(participant) = 'text'"
                 " AND typeof(detail) = 'text' AND typeof(prev_hash) = 'text'"
                 " AND typeof(hash) = 'text'"
                 " FROM audit ORDER BY seq");
  // The source stops at a malformed row that directly follows the last one it gave: everything
  // before it was sound (verifyChain stops at an earlier problem before asking for more), so
  // that row is the first problem. After a gap it gives the row, and verifyChain reports the gap.
  std::optional<std::pair<std::uint64_t, std::string>> malformed;
  std::uint64_t given = 0;
  const AuditVerdict v = verifyChain(
      [&](AuditEntry& out) {
        if (!s.step()) return false;
        const std::int64_t seq = s.integer(0);
        if (seq < 1) {
          malformed.emplace(
              1, "an entry with seq " + std::to_string(seq) + " was inserted before entry 1");
          return false;
        }
        if (s.integer(8) == 0 && static_cast<std::uint64_t>(seq) == given + 1) {
          malformed.emplace(static_cast<std::uint64_t>(seq),
                            "entry " + std::to_string(seq) +
                                " was changed: a column holds a value of another type than"
                                " the schema's (e.g. a fractional at_ms)");
          return false;
        }
        out = readEntry(s);
        given = out.seq;
        return true;
      },
      anchor);
  s.reset();
  if (!malformed) return v;
  AuditVerdict bad = v;
  bad.ok = false;
  bad.first_bad_seq = malformed->first;
  bad.problem = std::move(malformed->second);
  return bad;
}

void readAuditEntries(sqlite3* db, const std::optional<std::string>& uuid,
                      std::optional<std::uint64_t> last,
                      const std::function<void(const AuditEntry&)>& each) {
  const std::string where = uuid ? " WHERE message_uuid = ?1" : "";
  const std::string sql =
      last ? std::string("SELECT * FROM (SELECT ") + kColumns + " FROM audit" + where +
                 " ORDER BY seq DESC LIMIT ?2) ORDER BY seq"
           : std::string("SELECT ") + kColumns + " FROM audit" + where + " ORDER BY seq";
  sqlite::Stmt s(db, sql.c_str());
  if (uuid) s.bind(1, *uuid);
  if (last) {
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    s.bind(2, static_cast<std::int64_t>(*last < kMax ? *last : kMax));
  }
  while (s.step()) each(readEntry(s));
  s.reset();
}

}  // namespace ozgbus::broker
