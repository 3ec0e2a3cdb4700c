// The audit log in the broker's SQLite file: its table, writing an entry, the chain tip for
// AuditChain at start-up, and reading it back to verify or show. The store writes entries in the
// transaction of the change they record, so after a crash the log and the messages agree.
// Functions throw sqlite::Error on SQLite failures (I/O, not a database, no audit table).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "broker/audit/audit_chain.h"
#include "broker/store/sqlite/sqlite_handle.h"

namespace ozgbus::broker {

inline constexpr const char* kAuditSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit(
  seq          INTEGER PRIMARY KEY,   -- 1, 2, 3, ... without gaps
  at_ms        INTEGER NOT NULL,
  event        TEXT    NOT NULL,      -- accepted | delivered | rejected | dead_lettered | receipt_acknowledged | replayed | discarded
  message_uuid TEXT    NOT NULL,
  participant  TEXT    NOT NULL,      -- who: the sender for accepted, the receiver for delivery outcomes, the portal for receipts, the operator for replay/discard
  detail       TEXT    NOT NULL,      -- e.g. queue, reason code name and text, SHA-256 of the stored document for accepted
  prev_hash    TEXT    NOT NULL,      -- hex SHA-256 of the previous entry ("0"*64 for seq 1)
  hash         TEXT    NOT NULL       -- hex SHA-256 over the canonical encoding of this entry incl. prev_hash
);
)sql";

// Prepare once on the writer connection; insertAuditEntry binds and runs it. seq is the primary
// key, so an entry whose seq is already taken fails the transaction instead of forking the chain.
inline constexpr const char* kAuditInsertSql =
    "INSERT INTO audit(seq, at_ms, event, message_uuid, participant, detail, prev_hash, hash)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

void insertAuditEntry(sqlite::Stmt& insert, const AuditEntry& e);

bool hasAuditTable(sqlite3* db);

// The last entry's seq and hash, for AuditChain(tip.seq, tip.hash); seq 0 and the genesis hash
// when the table is empty. Read it on the writer connection, after creating the table.
AuditTip loadAuditTip(sqlite3* db);

// verifyChain over the table in seq order, read with one statement (one consistent snapshot,
// also while the broker writes). A row whose columns do not hold the types of the schema (an
// at_ms of 1000.4 reads back as the integer 1000 and would still hash right) counts as changed.
AuditVerdict verifyAuditTable(sqlite3* db, const std::optional<AuditTip>& anchor = {});

// Entries in seq order; only those of one message with `uuid`, only the last `last` of them
// with `last`.
void readAuditEntries(sqlite3* db, const std::optional<std::string>& uuid,
                      std::optional<std::uint64_t> last,
                      const std::function<void(const AuditEntry&)>& each);

}  // namespace ozgbus::broker
