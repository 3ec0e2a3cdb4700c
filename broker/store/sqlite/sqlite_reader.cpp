#include "broker/store/sqlite/sqlite_reader.h"

#include <algorithm>
#include <cctype>
#include <shared_mutex>

#include "broker/store/payload_digest.h"
#include "broker/store/sqlite/audit_table.h"
#include "broker/store/sqlite/sqlite_store.h"
#include "broker/store/sqlite/store_anchor.h"
#include "broker/store/store_check.h"
#include "broker/store/trace_line.h"

namespace ozgbus::broker {
namespace {

// A message row: id, uuid, author, sender, reader, message_type, received_at_ms, attempts,
// body, original (the first columns of loadQueued and loadOne).
// Columns: ... body (8), original (9), digest (`digest_col`, may be NULL in older stores).
// A row whose digest does not match is returned with `damage` set and no documents.
void checkDigest(QueuedMessage& m, const sqlite::Stmt& s, int digest_col) {
  const std::string digest = s.blob(digest_col);
  if (digest.empty() || !m.payload) return;
  const std::string_view original = m.original ? std::string_view(*m.original) : std::string_view();
  if (payloadDigest(m, *m.payload, original) == digest) return;
  m.damage = "its header fields or documents do not match the digest stored with them";
  m.payload.reset();
  m.original.reset();
}

QueuedMessage messageAt(const sqlite::Stmt& s) {
  QueuedMessage m;
  m.id = static_cast<std::uint64_t>(s.integer(0));
  m.uuid = s.text(1);
  m.author = s.text(2);
  m.sender = s.text(3);
  m.reader = s.text(4);
  m.message_type = s.text(5);
  m.received_at_ms = s.integer(6);
  m.attempts = static_cast<std::uint32_t>(s.integer(7));
  m.payload = std::make_shared<const std::string>(s.blob(8));
  if (std::string original = s.blob(9); !original.empty()) {
    m.original = std::make_shared<const std::string>(std::move(original));
  }
  return m;
}

}  // namespace

// Prepared on first use: a file that is no ozgbus store still serves what it can (the audit
// commands name a missing table rather than failing to open).
struct SqliteReader::Statements {
  explicit Statements(sqlite3* db) : db_(db) {}
  sqlite::Stmt& get(std::optional<sqlite::Stmt>& slot, const char* sql) {
    if (!slot) slot.emplace(db_, sql);
    return *slot;
  }
  sqlite3* db_;
  std::optional<sqlite::Stmt> loadOne, queuedIds, queuedIdsByTable, queuedRow, loadReceipts,
      countQueued, countDead, countReceipts, traceById, traceScan, deadLetters;
};

Result<std::unique_ptr<StoreReader>> SqliteReader::open(
    const std::filesystem::path& file, std::shared_ptr<const SharedDedupeIndex> index) {
  std::unique_ptr<SqliteReader> r(new SqliteReader());
  r->file_ = file;
  r->index_ = std::move(index);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return reject(v1::STORE_FAILED, file.string() + ": no such file");
  try {
    r->db_ = sqlite::open(file, SQLITE_OPEN_READONLY);
    // Fails here, not at the first read, when the file is not a database.
    sqlite::exec(r->db_.get(), "SELECT count(*) FROM sqlite_master");
  } catch (const std::exception& e) {
    return reject(v1::STORE_FAILED, e.what());
  }
  r->st_ = std::make_unique<Statements>(r->db_.get());
  return std::unique_ptr<StoreReader>(std::move(r));
}

SqliteReader::~SqliteReader() { st_.reset(); }  // statements before their connection

Rejection SqliteReader::failed(const std::exception& e) const {
  return reject(v1::STORE_FAILED, file_.string() + ": " + e.what());
}

Result<std::vector<QueuedMessage>> SqliteReader::loadQueued(const std::string& queue,
                                                            std::uint64_t after_id,
                                                            std::size_t limit) {
  // The ids first, then each row on its own: a row that cannot be read, or does not match its
  // digest, comes back marked damaged instead of failing the whole refill (which would stall the
  // queue behind it for ever).
  std::vector<std::int64_t> ids;
  const auto scan = [&](std::optional<sqlite::Stmt>& slot, const char* sql) {
    auto& s = st_->get(slot, sql);
    s.bind(1, queue)
        .bind(2, static_cast<std::int64_t>(after_id))
        .bind(3, static_cast<std::int64_t>(limit));
    ids.clear();
    while (s.step()) ids.push_back(s.integer(0));
    s.reset();
  };
  try {
    scan(st_->queuedIds,
         "SELECT id FROM messages WHERE queue = ?1 AND state = 0 AND id > ?2 ORDER BY id LIMIT ?3");
  } catch (const sqlite::Error& e) {
    if (!e.damaged()) return failed(e);
    try {  // a damaged index: the table itself, in id order
      scan(st_->queuedIdsByTable,
           "SELECT id FROM messages NOT INDEXED WHERE queue = ?1 AND state = 0 AND id > ?2"
           " ORDER BY id LIMIT ?3");
    } catch (const std::exception& again) {
      return failed(again);
    }
  } catch (const std::exception& e) {
    return failed(e);
  }
  std::vector<QueuedMessage> out;
  auto& row = st_->get(st_->queuedRow,
                       "SELECT m.id, uuid, author, sender, reader, message_type, received_at_ms,"
                       " attempts, p.body, p.original, p.digest FROM messages m"
                       " LEFT JOIN payloads p ON p.id = m.id WHERE m.id = ?1");
  for (const std::int64_t id : ids) {
    QueuedMessage m;
    try {
      row.bind(1, id);
      if (row.step()) {
        m = messageAt(row);
        if (row.blob(8).empty()) {
          m.payload.reset();
          m.damage = "its document is missing from the store";
        } else {
          checkDigest(m, row, 10);
        }
      } else {
        m.damage = "its row vanished while it was read";
      }
      row.reset();
    } catch (const sqlite::Error& e) {
      if (!e.damaged()) return failed(e);
      m = QueuedMessage{};
      m.damage = std::string("its row cannot be read: ") + e.what();
    }
    m.id = static_cast<std::uint64_t>(id);
    m.queue = queue;
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ReceiptRecord>> SqliteReader::loadReceipts(const std::string& recipient,
                                                              std::uint64_t after_seq,
                                                              std::size_t limit) {
  try {
    auto& s =
        st_->get(st_->loadReceipts,
                 "SELECT id, uuid, state, reason, detail, receiver, settled_at_ms, receipt_seq,"
                 " message_type FROM messages WHERE sender = ?1 AND receipt_state = 1"
                 " AND receipt_seq > ?2 ORDER BY receipt_seq LIMIT ?3");
    std::vector<ReceiptRecord> out;
    s.bind(1, recipient)
        .bind(2, static_cast<std::int64_t>(after_seq))
        .bind(3, static_cast<std::int64_t>(limit));
    while (s.step()) {
      out.push_back(ReceiptRecord{
          static_cast<std::uint64_t>(s.integer(0)), static_cast<std::uint64_t>(s.integer(7)),
          recipient, s.text(1), static_cast<MessageState>(s.integer(2)),
          static_cast<ReasonCode>(s.integer(3)), s.text(4), s.text(5), s.integer(6), s.text(8)});
    }
    s.reset();
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<QueueCounts>> SqliteReader::queueCounts() {
  try {
    std::vector<QueueCounts> out;
    const auto find = [&out](const std::string& q) -> QueueCounts& {
      for (auto& c : out) {
        if (c.queue == q) return c;
      }
      return out.emplace_back(QueueCounts{q});
    };
    auto& queued = st_->get(st_->countQueued,
                            "SELECT queue, count(*) FROM messages WHERE state = 0 GROUP BY queue");
    while (queued.step())
      find(queued.text(0)).queued = static_cast<std::uint64_t>(queued.integer(1));
    queued.reset();
    auto& dead = st_->get(st_->countDead,
                          "SELECT queue, count(*) FROM messages WHERE state = 3 GROUP BY queue");
    while (dead.step()) find(dead.text(0)).dead = static_cast<std::uint64_t>(dead.integer(1));
    dead.reset();
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> SqliteReader::pendingReceipts() {
  try {
    auto& s =
        st_->get(st_->countReceipts,
                 "SELECT sender, count(*) FROM messages WHERE receipt_state = 1 GROUP BY sender");
    std::vector<std::pair<std::string, std::uint64_t>> out;
    while (s.step()) out.emplace_back(s.text(0), static_cast<std::uint64_t>(s.integer(1)));
    s.reset();
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::optional<StoredMessage>> SqliteReader::loadMessage(std::uint64_t id) {
  try {
    // The first ten columns as loadQueued's (messageAt reads them).
    auto& s = st_->get(
        st_->loadOne,
        "SELECT m.id, uuid, author, sender, reader, message_type, received_at_ms,"
        " attempts, p.body, p.original, queue, state, reason, coalesce(detail, ''), p.digest"
        " FROM messages m LEFT JOIN payloads p ON p.id = m.id WHERE m.id = ?1");
    s.bind(1, static_cast<std::int64_t>(id));
    std::optional<StoredMessage> out;
    if (s.step()) {
      StoredMessage r;
      r.message = messageAt(s);
      if (r.message.payload->empty()) {
        r.message.payload.reset();  // settled: the document is gone
      } else {
        checkDigest(r.message, s, 14);
      }
      r.message.queue = s.text(10);
      r.state = static_cast<MessageState>(s.integer(11));
      r.reason = static_cast<ReasonCode>(s.integer(12));
      r.detail = s.text(13);
      out = std::move(r);
    }
    s.reset();
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<MessageTrace>> SqliteReader::traces(std::string_view uuid) {
  try {
    std::vector<MessageTrace> out;
    if (!index_) {
      // No index of this process knows the file: a scan (the tools, not the broker).
      auto& s = st_->get(st_->traceScan,
                         "SELECT id, uuid, author, coalesce(history, '') FROM messages"
                         " WHERE uuid = ?1 COLLATE NOCASE ORDER BY id");
      s.bind(1, uuid);
      while (s.step()) {
        out.push_back(MessageTrace{static_cast<std::uint64_t>(s.integer(0)), s.text(1), s.text(2),
                                   eventsOf(s.text(3))});
      }
      s.reset();
      return out;
    }
    std::vector<std::uint64_t> ids;
    {
      std::shared_lock lock(index_->mu);
      ids = index_->index.candidates(DedupeIndex::hashOf(uuid));
    }
    std::sort(ids.begin(), ids.end());
    auto& s = st_->get(st_->traceById,
                       "SELECT uuid, author, coalesce(history, '') FROM messages WHERE id = ?1");
    for (const std::uint64_t id : ids) {
      s.bind(1, static_cast<std::int64_t>(id));
      if (s.step() && equalsIgnoringCase(s.text(0), uuid)) {
        out.push_back(MessageTrace{id, s.text(0), s.text(1), eventsOf(s.text(2))});
      }
      s.reset();
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<std::vector<DeadLetter>> SqliteReader::deadLetters(std::size_t limit) {
  try {
    // Through the dead letters' own index: the planner would otherwise walk every message
    // backwards for the ORDER BY (24 ms per call with 100,000 stored, on every dashboard poll).
    auto& s = st_->get(
        st_->deadLetters,
        "SELECT id, uuid, queue, reason, coalesce(detail, ''), coalesce(settled_at_ms, 0)"
        " FROM messages INDEXED BY messages_dead WHERE state = 3 ORDER BY id DESC LIMIT ?1");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<DeadLetter> out;
    while (s.step()) {
      out.push_back(DeadLetter{static_cast<std::uint64_t>(s.integer(0)), s.text(1), s.text(2),
                               static_cast<ReasonCode>(s.integer(3)), s.text(4), s.integer(5)});
    }
    s.reset();
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

Result<AuditVerdict> SqliteReader::verifyAudit(const std::optional<AuditTip>& anchor) {
  try {
    if (!hasAuditTable(db_.get()))
      return reject(v1::STORE_FAILED, file_.string() + ": has no audit table");
    return verifyAuditTable(db_.get(), anchor);
  } catch (const std::exception& e) {
    return failed(e);
  }
}

std::optional<Rejection> SqliteReader::readAudit(
    const std::optional<std::string>& uuid, std::optional<std::uint64_t> last,
    const std::function<void(const AuditEntry&)>& each) {
  try {
    if (!hasAuditTable(db_.get()))
      return reject(v1::STORE_FAILED, file_.string() + ": has no audit table");
    readAuditEntries(db_.get(), uuid, last, each);
    return std::nullopt;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

}  // namespace ozgbus::broker

namespace ozgbus::broker {

Result<StoreCheck> SqliteReader::check() {
  StoreCheck out;
  try {
    sqlite::Stmt integrity(db_.get(), "PRAGMA integrity_check(100)");
    while (integrity.step()) {
      const std::string line = integrity.text(0);
      if (line != "ok") out.problems.push_back("SQLite integrity check: " + line);
    }
    integrity.reset();
  } catch (const std::exception& e) {
    out.problems.push_back(std::string("SQLite integrity check could not run: ") + e.what());
  }
  std::vector<std::int64_t> ids;
  try {
    sqlite::Stmt all(db_.get(), "SELECT id FROM payloads ORDER BY id");
    while (all.step()) ids.push_back(all.integer(0));
  } catch (const std::exception& e) {
    out.problems.push_back(std::string("the stored documents cannot all be listed: ") + e.what());
  }
  checkDocuments(*this, ids, out);
  StoreAnchor anchor(file_.string() + ".anchor", false);
  auto anchored = anchor.read();
  if (!anchored) out.problems.push_back(anchored.rejection().detail);
  auto chain = verifyAudit(anchored ? *anchored : std::nullopt);
  if (!chain) {
    out.problems.push_back(chain.rejection().detail);
  } else if (!chain->ok) {
    out.problems.push_back(
        "audit log broken at entry " + std::to_string(chain->first_bad_seq) + ": " +
        chain->problem +
        (anchored && *anchored ? " (checked against " + anchor.file().string() + ")" : ""));
  }
  return out;
}

}  // namespace ozgbus::broker
