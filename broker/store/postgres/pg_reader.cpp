#include "broker/store/postgres/pg_reader.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "broker/store/payload_digest.h"
#include "broker/store/store_check.h"
#include "broker/store/trace_line.h"

namespace ozgbus::broker {
namespace {

// The first columns of every message query: id, uuid, author, sender, reader, message_type,
// received_at_ms, attempts, body (8), original (9); digest (10) in loadQueued's.
constexpr const char* kSelectMessage =
    "SELECT m.id, m.uuid, m.author, m.sender, m.reader, m.message_type, m.received_at_ms, "
    "m.attempts,"
    " p.body, p.original";

QueuedMessage messageAt(const pg::Rows& r, int row) {
  QueuedMessage m;
  m.id = static_cast<std::uint64_t>(r.integer(row, 0));
  m.uuid = r.text(row, 1);
  m.author = r.text(row, 2);
  m.sender = r.text(row, 3);
  m.reader = r.text(row, 4);
  m.message_type = r.text(row, 5);
  m.received_at_ms = r.integer(row, 6);
  m.attempts = static_cast<std::uint32_t>(r.integer(row, 7));
  m.payload = std::make_shared<const std::string>(r.bytes(row, 8));
  if (std::string original = r.bytes(row, 9); !original.empty()) {
    m.original = std::make_shared<const std::string>(std::move(original));
  }
  return m;
}

// A row whose digest does not match is returned with `damage` set and no documents.
void checkDigest(QueuedMessage& m, const pg::Rows& r, int row, int digest_col) {
  const std::string digest = r.bytes(row, digest_col);
  if (digest.empty() || !m.payload) return;
  const std::string_view original = m.original ? std::string_view(*m.original) : std::string_view();
  if (payloadDigest(m, *m.payload, original) == digest) return;
  m.damage = "its header fields or documents do not match the digest stored with them";
  m.payload.reset();
  m.original.reset();
}

}  // namespace

QueuedMessage pg::queuedAt(const pg::Rows& r, int row) {
  QueuedMessage m = messageAt(r, row);
  if (m.payload->empty()) {
    m.payload.reset();
    m.damage = "its document is missing from the store";
  } else {
    checkDigest(m, r, row, 10);
  }
  return m;
}

std::vector<QueuedMessage> pg::queuedRows(const pg::Rows& rows, const std::string& queue) {
  std::vector<QueuedMessage> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    QueuedMessage m = queuedAt(rows, i);
    m.queue = queue;
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

AuditEntry entryAt(const pg::Rows& r, int row) {
  AuditEntry e;
  e.seq = static_cast<std::uint64_t>(r.integer(row, 0));
  e.at_ms = r.integer(row, 1);
  e.event = r.text(row, 2);
  e.message_uuid = r.text(row, 3);
  e.participant = r.text(row, 4);
  e.detail = r.text(row, 5);
  e.prev_hash = r.text(row, 6);
  e.hash = r.text(row, 7);
  return e;
}

constexpr const char* kSelectAudit =
    "SELECT seq, at_ms, event, message_uuid, participant, detail, prev_hash, hash";

std::string sql(const char* head, const char* tail) { return std::string(head) + tail; }

}  // namespace

// Queries that return documents come back in binary, the others as text.
struct PgReader::Statements {
  using Results = pg::Statement::Results;
  explicit Statements(PGconn* c)
      : queued(c, "queued",
               sql(kSelectMessage,
                   ", p.digest FROM messages m LEFT JOIN payloads p ON p.id = m.id"
                   " WHERE m.queue = $1::text AND m.state = 0 AND m.id > $2::bigint"
                   " ORDER BY m.id LIMIT $3::bigint")
                   .c_str(),
               Results::kBinary),
        queuedIds(c, "queued_ids",
                  "SELECT id FROM messages WHERE queue = $1::text AND state = 0"
                  " AND id > $2::bigint ORDER BY id LIMIT $3::bigint"),
        queuedRow(c, "queued_row",
                  sql(kSelectMessage,
                      ", p.digest FROM messages m LEFT JOIN payloads p ON p.id = m.id"
                      " WHERE m.id = $1::bigint")
                      .c_str(),
                  Results::kBinary),
        loadOne(c, "load_one",
                sql(kSelectMessage,
                    ", m.queue, m.state, m.reason, coalesce(m.detail, ''), p.digest"
                    " FROM messages m LEFT JOIN payloads p ON p.id = m.id WHERE m.id = $1::bigint")
                    .c_str(),
                Results::kBinary),
        receipts(c, "receipts",
                 "SELECT id, uuid, state, reason, detail, receiver, settled_at_ms, receipt_seq,"
                 " message_type FROM messages WHERE sender = $1::text AND receipt_state = 1"
                 " AND receipt_seq > $2::bigint ORDER BY receipt_seq LIMIT $3::bigint"),
        // Two scans, each through its partial index, as SQLite's two queries.
        counts(c, "counts",
               "SELECT queue, 0, count(*) FROM messages WHERE state = 0 GROUP BY queue"
               " UNION ALL"
               " SELECT queue, 3, count(*) FROM messages WHERE state = 3 GROUP BY queue"),
        pending(c, "pending",
                "SELECT sender, count(*) FROM messages WHERE receipt_state = 1"
                " GROUP BY sender ORDER BY sender"),
        // Through the lower(uuid) index; the caller keeps what SQLite's NOCASE would match.
        traces(c, "traces",
               "SELECT id, uuid, author, coalesce(history, '') FROM messages"
               " WHERE lower(uuid) = lower($1::text) ORDER BY id"),
        deadLetters(c, "dead_letters",
                    "SELECT id, uuid, queue, reason, coalesce(detail, ''),"
                    " coalesce(settled_at_ms, 0) FROM messages WHERE state = 3"
                    " ORDER BY id DESC LIMIT $1::bigint") {}

  pg::Statement queued, queuedIds, queuedRow, loadOne, receipts, counts, pending, traces,
      deadLetters;
};

Result<std::unique_ptr<StoreReader>> PgReader::open(const PgOptions& options) {
  std::unique_ptr<PgReader> r(new PgReader());
  try {
    r->conn_ = pg::connect(options.url, options.password);
    r->where_ = pg::describe(r->conn_.get());
    // A reader never writes, whatever a bug might ask of it.
    pg::exec(r->conn_.get(), "SET default_transaction_read_only = on");
    r->st_ = std::make_unique<Statements>(r->conn_.get());
  } catch (const std::exception& e) {
    return reject(v1::STORE_FAILED, std::string("cannot open store reader: ") + e.what());
  }
  return std::unique_ptr<StoreReader>(std::move(r));
}

PgReader::~PgReader() = default;

void PgReader::reconnectIfLost() {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    st_.reset();
    pg::reset(conn_.get());
    pg::exec(conn_.get(), "SET default_transaction_read_only = on");
  }
  if (!st_) {
    // A session that failed half-way through preparing keeps what it prepared.
    pg::exec(conn_.get(), "DEALLOCATE ALL");
    st_ = std::make_unique<Statements>(conn_.get());
  }
}

Rejection PgReader::failed(const std::exception& e) const {
  return reject(v1::STORE_FAILED, where_ + ": " + e.what());
}

Result<std::vector<QueuedMessage>> PgReader::loadQueued(const std::string& queue,
                                                        std::uint64_t after_id, std::size_t limit) {
  try {
    reconnectIfLost();
    const pg::Rows rows = st_->queued.run(
        pg::Params().text(queue).integer(pg::clamped(after_id)).integer(pg::clamped(limit)));
    return pg::queuedRows(rows, queue);
  } catch (const pg::Error& e) {
    if (!e.damaged()) return failed(e);
  } catch (const std::exception& e) {
    return failed(e);
  }
  // A page that cannot be read fails the whole query: row by row, the damaged rows come back
  // marked instead of failing the refill (which would stall the queue behind them for ever).
  return loadQueuedRowByRow(queue, after_id, limit);
}

Result<std::vector<QueuedMessage>> PgReader::loadQueuedRowByRow(const std::string& queue,
                                                                std::uint64_t after_id,
                                                                std::size_t limit) {
  std::vector<std::int64_t> ids;
  try {
    const pg::Rows found = st_->queuedIds.run(
        pg::Params().text(queue).integer(pg::clamped(after_id)).integer(pg::clamped(limit)));
    for (int i = 0; i < found.size(); ++i) ids.push_back(found.integer(i, 0));
  } catch (const std::exception& e) {
    return failed(e);
  }
  std::vector<QueuedMessage> out;
  for (const std::int64_t id : ids) {
    QueuedMessage m;
    try {
      const pg::Rows row = st_->queuedRow.run(pg::Params().integer(id));
      if (row.size() > 0) {
        m = pg::queuedAt(row, 0);
      } else {
        m.damage = "its row vanished while it was read";
      }
    } catch (const pg::Error& e) {
      if (!e.damaged()) return failed(e);
      m = QueuedMessage{};
      m.damage = std::string("its row cannot be read: ") + e.what();
    } catch (const std::exception& e) {
      return failed(e);
    }
    m.id = static_cast<std::uint64_t>(id);
    m.queue = queue;
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ReceiptRecord>> PgReader::loadReceipts(const std::string& recipient,
                                                          std::uint64_t after_seq,
                                                          std::size_t limit) {
  try {
    reconnectIfLost();
    const pg::Rows r = st_->receipts.run(
        pg::Params().text(recipient).integer(pg::clamped(after_seq)).integer(pg::clamped(limit)));
    std::vector<ReceiptRecord> out;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(ReceiptRecord{static_cast<std::uint64_t>(r.integer(i, 0)),
                                  static_cast<std::uint64_t>(r.integer(i, 7)), recipient,
                                  r.text(i, 1), static_cast<MessageState>(r.integer(i, 2)),
                                  static_cast<ReasonCode>(r.integer(i, 3)), r.text(i, 4),
                                  r.text(i, 5), r.integer(i, 6), r.text(i, 8)});
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<QueueCounts>> PgReader::queueCounts() {
  try {
    reconnectIfLost();
    const pg::Rows r = st_->counts.run(pg::Params());
    std::vector<QueueCounts> out;
    for (int i = 0; i < r.size(); ++i) {
      const std::string queue = r.text(i, 0);
      auto it = std::find_if(out.begin(), out.end(),
                             [&queue](const QueueCounts& c) { return c.queue == queue; });
      if (it == out.end()) it = out.insert(out.end(), QueueCounts{queue});
      const auto n = static_cast<std::uint64_t>(r.integer(i, 2));
      if (r.integer(i, 1) == 0) {
        it->queued = n;
      } else {
        it->dead = n;
      }
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> PgReader::pendingReceipts() {
  try {
    reconnectIfLost();
    const pg::Rows r = st_->pending.run(pg::Params());
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (int i = 0; i < r.size(); ++i) {
      out.emplace_back(r.text(i, 0), static_cast<std::uint64_t>(r.integer(i, 1)));
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::optional<StoredMessage>> PgReader::loadMessage(std::uint64_t id) {
  try {
    reconnectIfLost();
    const pg::Rows r = st_->loadOne.run(pg::Params().integer(pg::clamped(id)));
    if (r.size() == 0) return std::optional<StoredMessage>();
    StoredMessage s;
    s.message = messageAt(r, 0);
    if (s.message.payload->empty()) {
      s.message.payload.reset();  // settled: the document is gone
    } else {
      checkDigest(s.message, r, 0, 14);
    }
    s.message.queue = r.text(0, 10);
    s.state = static_cast<MessageState>(r.integer(0, 11));
    s.reason = static_cast<ReasonCode>(r.integer(0, 12));
    s.detail = r.text(0, 13);
    return std::optional<StoredMessage>(std::move(s));
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<MessageTrace>> PgReader::traces(std::string_view uuid) {
  try {
    reconnectIfLost();
    const pg::Rows r = st_->traces.run(pg::Params().text(uuid));
    std::vector<MessageTrace> out;
    for (int i = 0; i < r.size(); ++i) {
      std::string stored = r.text(i, 1);
      if (!equalsIgnoringCase(stored, uuid)) continue;  // lower() folds more than ASCII
      out.push_back(MessageTrace{static_cast<std::uint64_t>(r.integer(i, 0)), std::move(stored),
                                 r.text(i, 2), eventsOf(r.text(i, 3))});
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<DeadLetter>> PgReader::deadLetters(std::size_t limit) {
  try {
    reconnectIfLost();
    const pg::Rows r = st_->deadLetters.run(pg::Params().integer(pg::clamped(limit)));
    std::vector<DeadLetter> out;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(DeadLetter{static_cast<std::uint64_t>(r.integer(i, 0)), r.text(i, 1),
                               r.text(i, 2), static_cast<ReasonCode>(r.integer(i, 3)), r.text(i, 4),
                               r.integer(i, 5)});
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<AuditVerdict> PgReader::verifyAudit(const std::optional<AuditTip>& anchor) {
  try {
    reconnectIfLost();
    // One statement, streamed: one snapshot while the broker writes, and memory that does not
    // grow with the log. Types are the schema's (no SQLite typeof check needed), but seq is
    // the key, not a row number: it may be 0 or negative.
    pg::RowStream rows(conn_.get(), sql(kSelectAudit, " FROM audit ORDER BY seq").c_str(),
                       pg::Params());
    std::optional<std::int64_t> before_first;
    AuditVerdict v = verifyChain(
        [&](AuditEntry& out) {
          const pg::Rows* row = rows.next();
          if (row == nullptr) return false;
          if (const std::int64_t seq = row->integer(0, 0); seq < 1) {
            before_first = seq;
            return false;
          }
          out = entryAt(*row, 0);
          return true;
        },
        anchor);
    if (before_first) {
      v.ok = false;
      v.first_bad_seq = 1;
      v.problem =
          "an entry with seq " + std::to_string(*before_first) + " was inserted before entry 1";
    }
    return v;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

std::optional<Rejection> PgReader::readAudit(const std::optional<std::string>& uuid,
                                             std::optional<std::uint64_t> last,
                                             const std::function<void(const AuditEntry&)>& each) {
  try {
    reconnectIfLost();
    pg::Params params;
    std::string where;
    if (uuid) {
      params.text(*uuid);
      where = " WHERE message_uuid = $1::text";
    }
    std::string query = sql(kSelectAudit, " FROM audit") + where;
    if (last) {
      params.integer(pg::clamped(*last));
      query = "SELECT * FROM (" + query + " ORDER BY seq DESC LIMIT $" +
              std::to_string(params.size()) + "::bigint) AS tail";
    }
    query += " ORDER BY seq";
    pg::RowStream rows(conn_.get(), query.c_str(), params);
    while (const pg::Rows* row = rows.next()) each(entryAt(*row, 0));
    return std::nullopt;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<StoreCheck> PgReader::check() {
  StoreCheck out;
  // PostgreSQL checks its pages as it reads them (with data checksums on): reading every
  // message row is its part of the check; documents and the audit log are read below.
  try {
    reconnectIfLost();
    pg::exec(conn_.get(), "SELECT count(history) FROM messages");
  } catch (const std::exception& e) {
    out.problems.push_back(std::string("PostgreSQL could not read every message row: ") + e.what());
  }
  std::vector<std::int64_t> ids;
  try {
    reconnectIfLost();
    pg::RowStream all(conn_.get(), "SELECT id FROM payloads ORDER BY id", pg::Params());
    while (const pg::Rows* row = all.next()) ids.push_back(row->integer(0, 0));
  } catch (const std::exception& e) {
    out.problems.push_back(std::string("the stored documents cannot all be listed: ") + e.what());
  }
  checkDocuments(*this, ids, out);
  auto chain = verifyAudit(std::nullopt);
  if (!chain) {
    out.problems.push_back(chain.rejection().detail);
  } else if (!chain->ok) {
    out.problems.push_back("audit log broken at entry " + std::to_string(chain->first_bad_seq) +
                           ": " + chain->problem);
  }
  return out;
}

}  // namespace ozgbus::broker
