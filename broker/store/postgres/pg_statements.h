// The PostgreSQL store's prepared statements (PgStore's, on its writer connection). Private to
// broker/store/postgres/: pg_store.cpp and pg_batches.cpp.
#pragma once

#include "broker/store/postgres/pg_handle.h"
#include "broker/store/postgres/pg_store.h"

namespace ozgbus::broker {

// Statements that change rows also do what goes with them (their documents) in the same round
// trip; a row a statement did not change is not returned. What a group commit does most (store,
// settle, count an attempt, take a receipt's ACK) is one statement for the whole commit.
struct PgStore::Statements {
  explicit Statements(PGconn* c)
      // Many messages in one statement, their documents with them; what the unique key holds
      // already is not returned. The batch holds each key once (PgStore::insertBatch).
      : insertMany(c, "insert_many",
                   "WITH i AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[],"
                   " $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[],"
                   " $10::text[], $11::bigint[], $12::text[], $13::text[], $14::bytea[],"
                   " $15::bytea[], $16::bytea[]) AS t(uuid, author, sender, reader, message_type,"
                   " queue, received_at_ms, state, reason, detail, settled_at_ms, history,"
                   " authored_sha256, body, original, digest)),"
                   " m AS (INSERT INTO messages(uuid, author, sender, reader, message_type, queue,"
                   " received_at_ms, state, reason, detail, settled_at_ms, history,"
                   " authored_sha256) SELECT uuid, author, sender, reader, message_type, queue,"
                   " received_at_ms, state::int, reason::int, detail, settled_at_ms, history,"
                   " authored_sha256 FROM i ON CONFLICT (author, uuid, message_type) DO NOTHING"
                   " RETURNING id, author, uuid, message_type),"
                   " p AS (INSERT INTO payloads(id, body, original, digest)"
                   " SELECT m.id, i.body, i.original, i.digest FROM m"
                   " JOIN i USING (author, uuid, message_type))"
                   " SELECT id, author, uuid, message_type FROM m"),
        storedShas(c, "stored_shas",
                   "SELECT author, uuid, message_type, authored_sha256 FROM messages"
                   " WHERE (author, uuid, message_type) IN"
                   " (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))"),
        // Dead letters keep their document for inspection and replay. One row per message.
        settleMany(c, "settle_many",
                   "WITH i AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],"
                   " $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[])"
                   " AS t(id, state, reason, detail, receiver, at_ms, receipt, line)),"
                   " s AS (UPDATE messages m SET state = i.state::int, reason = i.reason::int,"
                   " detail = i.detail, receiver = i.receiver, settled_at_ms = i.at_ms,"
                   " receipt_state = i.receipt::int,"
                   " receipt_seq = CASE WHEN i.receipt = 1 THEN nextval('receipt_seq') ELSE 0 END,"
                   " history = coalesce(m.history, '') || i.line FROM i"
                   " WHERE m.id = i.id AND m.state = 0 RETURNING m.id, m.state, m.receipt_seq),"
                   " d AS (DELETE FROM payloads p USING s WHERE p.id = s.id AND s.state <> 3)"
                   " SELECT id, receipt_seq FROM s"),
        // GREATEST: another node may have counted more attempts meanwhile. One row per message.
        attemptsMany(c, "attempts_many",
                     "UPDATE messages m SET attempts = GREATEST(m.attempts, i.attempts),"
                     " history = coalesce(m.history, '') || i.line"
                     " FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS i(id, attempts, line)"
                     " WHERE m.id = i.id"),
        receiptAcks(c, "receipt_acks",
                    "UPDATE messages m SET receipt_state = 2,"
                    " history = coalesce(m.history, '') || i.line"
                    " FROM unnest($1::bigint[], $2::text[]) AS i(id, line)"
                    " WHERE m.id = i.id AND m.receipt_state = 1 RETURNING m.id, m.author, m.uuid"),
        replay(c, "replay",
               "WITH r AS (UPDATE messages SET queue = $2::text, message_type = $3::text,"
               " state = $4::int, reason = $5::int, detail = $6::text, attempts = 0,"
               " settled_at_ms = $7::bigint, history = coalesce(history, '') || $8::text"
               " WHERE id = $1::bigint AND state = 3 RETURNING id)"
               " INSERT INTO payloads(id, body, original, digest)"
               " SELECT id, $9::bytea, $10::bytea, $11::bytea FROM r"
               " ON CONFLICT (id) DO UPDATE SET body = excluded.body,"
               " original = excluded.original, digest = excluded.digest RETURNING id"),
        discard(c, "discard",
                "WITH d AS (UPDATE messages SET state = 4, settled_at_ms = $2::bigint,"
                " history = coalesce(history, '') || $3::text"
                " WHERE id = $1::bigint AND state = 3 RETURNING id, uuid),"
                " p AS (DELETE FROM payloads WHERE id IN (SELECT id FROM d))"
                " SELECT uuid FROM d"),
        purgeScan(c, "purge_scan",
                  "SELECT id, uuid, state, receipt_state, received_at_ms FROM messages"
                  " WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint"),
        // The conditions again, so no other row can ever go: only what is settled for good.
        // Documents go with their rows (ON DELETE CASCADE).
        purge(c, "purge",
              "DELETE FROM messages WHERE id = ANY($1::bigint[]) AND state IN (1, 2, 4)"
              " AND receipt_state <> 1"),
        // The transaction's entries in one statement, just before COMMIT.
        renumberReceipts(c, "renumber_receipts",
                         "UPDATE messages SET receipt_seq = nextval('receipt_seq')"
                         " WHERE id = ANY($1::bigint[]) AND receipt_state = 1"
                         " RETURNING id, receipt_seq"),
        notify(c, "notify", "SELECT pg_notify('ozgbus', n) FROM unnest($1::text[]) n"),
        auditTip(c, "audit_tip", "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"),
        auditInsert(c, "audit_insert",
                    "INSERT INTO audit(seq, at_ms, event, message_uuid, participant, detail,"
                    " prev_hash, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[],"
                    " $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])") {}

  pg::Statement insertMany, storedShas, settleMany, attemptsMany, receiptAcks, replay, discard,
      purgeScan, purge, renumberReceipts, notify, auditTip, auditInsert;
};

}  // namespace ozgbus::broker
