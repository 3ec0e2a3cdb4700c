// The SQLite store's tables, and what brings a file written by an older version up to date.
// Used by the writer at open (SqliteStore) only.
#pragma once

#include <sqlite3.h>

namespace ozgbus::broker::sqlite {

inline constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS messages(
  id             INTEGER PRIMARY KEY,
  uuid           TEXT    NOT NULL,
  author         TEXT    NOT NULL,
  sender         TEXT    NOT NULL,
  reader         TEXT    NOT NULL,
  message_type   TEXT    NOT NULL,
  queue          TEXT    NOT NULL,
  received_at_ms INTEGER NOT NULL,
  state          INTEGER NOT NULL DEFAULT 0,  -- MessageState
  attempts       INTEGER NOT NULL DEFAULT 0,
  reason         INTEGER NOT NULL DEFAULT 0,  -- ReasonCode of a rejection or dead letter
  detail         TEXT,
  receiver       TEXT,
  settled_at_ms  INTEGER,
  receipt_state  INTEGER NOT NULL DEFAULT 0,  -- 0 none, 1 to send, 2 acknowledged by sender
  receipt_seq    INTEGER,                     -- order receipts were made in (ACK order)
  history        TEXT,                        -- trace: lines "at_ms<TAB>event<TAB>detail"
  authored_sha256 TEXT                        -- hex SHA-256 of the author's document
);
-- Documents apart from their metadata: settling a message rewrites a small row and deletes the
-- document, instead of rewriting a row that carries the whole document.
CREATE TABLE IF NOT EXISTS payloads(
  id   INTEGER PRIMARY KEY,  -- messages.id
  body BLOB NOT NULL,
  original BLOB              -- the author's document when body is the broker's re-signed one
);
-- Duplicates are found through DedupeIndex (in memory), not a UNIQUE index: see its header.
DROP INDEX IF EXISTS messages_dedupe;
CREATE INDEX IF NOT EXISTS messages_queued   ON messages(queue, id) WHERE state = 0;
CREATE INDEX IF NOT EXISTS messages_dead     ON messages(queue, id) WHERE state = 3;
DROP INDEX IF EXISTS messages_receipts;
CREATE INDEX IF NOT EXISTS messages_receipt_order ON messages(sender, receipt_seq) WHERE receipt_state = 1;
)sql";

// Columns added after the first release; an error means the column is there already.
inline void addLateColumns(sqlite3* db) {
  sqlite3_exec(db, "ALTER TABLE messages ADD COLUMN receipt_seq INTEGER", nullptr, nullptr,
               nullptr);
  sqlite3_exec(db, "ALTER TABLE messages ADD COLUMN history TEXT", nullptr, nullptr, nullptr);
  // SHA-256 (hex) of the author's document; NULL in older stores (no conflict check for those).
  sqlite3_exec(db, "ALTER TABLE messages ADD COLUMN authored_sha256 TEXT", nullptr, nullptr,
               nullptr);
}

inline void addLatePayloadColumns(sqlite3* db) {
  sqlite3_exec(db, "ALTER TABLE payloads ADD COLUMN original BLOB", nullptr, nullptr, nullptr);
  // SHA-256 of the message's identity and documents (payload_digest.h); NULL in older stores.
  sqlite3_exec(db, "ALTER TABLE payloads ADD COLUMN digest BLOB", nullptr, nullptr, nullptr);
}

}  // namespace ozgbus::broker::sqlite
