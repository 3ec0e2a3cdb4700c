#include "broker/store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "broker/store/insert_outcome.h"
#include "broker/store/payload_digest.h"
#include "broker/store/sqlite/audit_table.h"
#include "broker/store/sqlite/sqlite_reader.h"
#include "broker/store/sqlite/sqlite_schema.h"
#include "broker/store/trace_line.h"

namespace ozgbus::broker {
namespace {}  // namespace

struct SqliteStore::Statements {
  explicit Statements(sqlite3* w)
      : begin(w, "BEGIN IMMEDIATE"),
        commit(w, "COMMIT"),
        rollback(w, "ROLLBACK"),
        insert(w,
               "INSERT INTO messages(uuid, author, sender, reader, message_type, queue,"
               " received_at_ms, state, reason, detail, settled_at_ms, history, authored_sha256)"
               " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        keyOf(w, "SELECT author, uuid, message_type, authored_sha256 FROM messages WHERE id = ?1"),
        allKeys(w, "SELECT id, author, uuid FROM messages"),
        insertPayload(w, "INSERT INTO payloads(id, body, original, digest) VALUES(?1, ?2, ?3, ?4)"),
        settle(w,
               "UPDATE messages SET state = ?2, reason = ?3, detail = ?4, receiver = ?5,"
               " settled_at_ms = ?6, receipt_state = ?7, receipt_seq = ?8,"
               " history = coalesce(history, '') || ?9"
               " WHERE id = ?1 AND state = 0"),
        maxReceiptSeq(w, "SELECT coalesce(max(receipt_seq), 0) FROM messages"),
        deletePayload(w, "DELETE FROM payloads WHERE id = ?1"),
        attempts(w,
                 "UPDATE messages SET attempts = ?2, history = coalesce(history, '') || ?3"
                 " WHERE id = ?1"),
        receiptAck(w,
                   "UPDATE messages SET receipt_state = 2, history = coalesce(history, '') || ?2"
                   " WHERE id = ?1 AND receipt_state = 1"),
        auditInsert(w, kAuditInsertSql),
        replay(w,
               "UPDATE messages SET queue = ?2, message_type = ?3, state = ?4, reason = ?5, detail "
               "= ?6,"
               " attempts = 0, settled_at_ms = ?7, history = coalesce(history, '') || ?8"
               " WHERE id = ?1 AND state = 3"),
        replacePayload(
            w,
            "INSERT OR REPLACE INTO payloads(id, body, original, digest) VALUES(?1, ?2, ?3, ?4)"),
        discard(w,
                "UPDATE messages SET state = 4, settled_at_ms = ?2, history = coalesce(history, "
                "'') || ?3"
                " WHERE id = ?1 AND state = 3"),
        purgeScan(w,
                  "SELECT id, uuid, state, receipt_state, received_at_ms FROM messages"
                  " WHERE id > ?1 ORDER BY id LIMIT ?2"),
        // The conditions again, so no other row can ever go: only what is settled for good.
        purgeOne(
            w, "DELETE FROM messages WHERE id = ?1 AND state IN (1, 2, 4) AND receipt_state != 1") {
  }

  sqlite::Stmt begin, commit, rollback, insert, keyOf, allKeys, insertPayload, settle,
      maxReceiptSeq, deletePayload, attempts, receiptAck, auditInsert, replay, replacePayload,
      discard, purgeScan, purgeOne;
};

std::optional<std::string> SqliteStore::lostSince(const AuditTip& anchored, const AuditTip& tip) {
  if (anchored.seq > tip.seq) {
    return "its audit log ends at entry " + std::to_string(tip.seq) + ", but " +
           anchor_->file().string() + " (written after each commit) names entry " +
           std::to_string(anchored.seq) + ": committed changes are missing";
  }
  if (anchored.seq == 0) return std::nullopt;
  sqlite::Stmt at(writer_.get(), "SELECT hash FROM audit WHERE seq = ?1");
  at.bind(1, static_cast<std::int64_t>(anchored.seq));
  const std::string hash = at.step() ? at.text(0) : std::string();
  if (hash == anchored.hash) return std::nullopt;
  return "its audit entry " + std::to_string(anchored.seq) + " is not the one " +
         anchor_->file().string() + " names: the log was rewritten or replaced by another";
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& file,
                                                       const SqliteOptions& options) {
  const bool fsync = options.fsync;
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  s->file_ = file;
  s->wal_restart_bytes_ = options.wal_restart_bytes;
  s->anchor_ = std::make_unique<StoreAnchor>(file.string() + ".anchor", fsync);
  s->dedupe_ = std::make_shared<SharedDedupeIndex>();
  try {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    s->writer_ = sqlite::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite::exec(s->writer_.get(), "PRAGMA journal_mode=WAL");
    sqlite::exec(s->writer_.get(), fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    // Checkpoints run on their own thread (below), never in the commit path.
    sqlite::exec(s->writer_.get(), "PRAGMA cache_size=-16384");
    sqlite::exec(s->writer_.get(), "PRAGMA wal_autocheckpoint=0");
    // When the log is restarted it is cut back to this size rather than left at its peak.
    sqlite::exec(
        s->writer_.get(),
        ("PRAGMA journal_size_limit=" + std::to_string(options.wal_restart_bytes)).c_str());
    sqlite::addLateColumns(s->writer_.get());
    sqlite::exec(s->writer_.get(), sqlite::kSchema);
    sqlite::exec(s->writer_.get(), kAuditSchema);
    sqlite::addLatePayloadColumns(s->writer_.get());
    if (options.check_at_open) s->quickCheck();
    s->st_ = std::make_unique<Statements>(s->writer_.get());
    s->loadDedupeIndex();
    const AuditTip tip = loadAuditTip(s->writer_.get());
    s->audit_ = std::make_unique<AuditChain>(tip.seq, tip.hash);
    auto anchored = s->anchor_->read();
    if (!anchored && !options.accept_loss) return anchored.rejection();
    if (anchored && *anchored) {
      if (auto lost = s->lostSince(**anchored, tip)) {
        if (!options.accept_loss) {
          return reject(
              v1::STORE_CORRUPT,
              file.string() + " holds less than was committed: " + *lost +
                  ". Restore it from a backup, or start with --accept-store-loss to go on "
                  "with what it holds (docs/operations.md, \"When things go wrong\")");
        }
        spdlog::error("store {}: {}; going on with what it holds (--accept-store-loss)",
                      file.string(), *lost);
      }
    }
    s->committed_tip_ = tip;
    s->anchor_->write(tip);
    if (s->st_->maxReceiptSeq.step()) {
      s->next_receipt_seq_ = static_cast<std::uint64_t>(s->st_->maxReceiptSeq.integer(0)) + 1;
    }
    s->st_->maxReceiptSeq.reset();
    s->checkpoint_db_ = sqlite::open(file, SQLITE_OPEN_READWRITE);
    sqlite::exec(s->checkpoint_db_.get(),
                 fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    // A RESTART checkpoint waits for readers while it holds the writer back: never long (a
    // reader that stays, such as a long backup, is waited for again at the next turn), or
    // commits and a stop would wait the default 5 s with it.
    sqlite3_busy_timeout(s->checkpoint_db_.get(), 100);
    s->checkpointer_ = std::thread([raw = s.get()] { raw->checkpointLoop(); });
    s->opened_ = true;
  } catch (const std::exception& e) {
    return reject(v1::STORE_FAILED, std::string("cannot open store: ") + e.what());
  }
  return s;
}

Result<std::unique_ptr<StoreReader>> SqliteStore::reader() const {
  return SqliteReader::open(file_, dedupe_);
}

void SqliteStore::quickCheck() {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> problems;
  try {
    sqlite::Stmt check(writer_.get(), "PRAGMA quick_check(20)");
    while (check.step()) {
      if (check.text(0) != "ok") problems.push_back(check.text(0));
    }
  } catch (const sqlite::Error& e) {
    problems.push_back(e.what());
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  if (problems.empty()) {
    spdlog::info("store {}: quick check ok ({} ms)", file_.string(), ms.count());
  } else {
    spdlog::error(
        "STORE DAMAGED: {} quick check found: {}; damaged messages are never delivered "
        "(STORE_CORRUPT); "
        "run `ozgbus-broker --check` (docs/operations.md, \"When things go wrong\")",
        file_.string(), fmt::format("{}", fmt::join(problems, "; ")));
  }
}

void SqliteStore::loadDedupeIndex() {
  auto& s = st_->allKeys;
  std::unique_lock lock(dedupe_->mu);
  while (s.step()) {
    dedupe_->index.insert(DedupeIndex::hashOf(s.text(2)), static_cast<std::uint64_t>(s.integer(0)));
  }
  s.reset();
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_one();
  if (checkpointer_.joinable()) checkpointer_.join();
  // Only a store that opened may move its anchor: one refused for a loss must leave it as it is.
  if (opened_) anchor_->write(committed_tip_);
  st_.reset();  // statements before their connections
}

void SqliteStore::checkpointLoop() {
  // PASSIVE never blocks the writer; it copies what no reader still needs from the WAL into the
  // database file, and the writer starts the WAL over once all of it is copied. Under sustained
  // writes that moment never comes and the WAL grows without end (4.6 GB after 93 s at
  // 3,000 msg/s): past wal_restart_bytes a RESTART checkpoint waits for readers, holds the
  // writer back while it copies the rest, and makes the next commit start the log over (cut
  // back to journal_size_limit).
  const std::filesystem::path wal = file_.string() + "-wal";
  std::uint64_t anchored = 0;
  std::unique_lock lock(checkpoint_mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(50));
    lock.unlock();
    AuditTip tip;
    {
      std::lock_guard tip_lock(tip_mu_);
      tip = committed_tip_;
    }
    // Behind the commits by at most one turn: what the anchor names is on disk before it.
    if (tip.seq != anchored && anchor_->write(tip)) anchored = tip.seq;
    sqlite3_wal_checkpoint_v2(checkpoint_db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    std::error_code ec;
    const auto size = std::filesystem::file_size(wal, ec);
    wal_bytes_ = ec ? 0 : size;
    if (!ec && size > wal_restart_bytes_) {
      const int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_.get(), nullptr,
                                               SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        spdlog::warn("store: write-ahead log of {} bytes could not be restarted: {}", size,
                     sqlite3_errmsg(checkpoint_db_.get()));
      }
    }
    lock.lock();
  }
}

std::optional<std::pair<std::string, std::string>> SqliteStore::keyOf(std::uint64_t id) {
  // Read and reset before the caller writes: a statement left mid-step by a failing write
  // would fail every later use.
  auto& k = st_->keyOf;
  k.bind(1, static_cast<std::int64_t>(id));
  std::optional<std::pair<std::string, std::string>> out;
  if (k.step()) out.emplace(k.text(0), k.text(1));
  k.reset();
  return out;
}

void SqliteStore::audit(std::int64_t at_ms, const char* event, const std::string& uuid,
                        const std::string& participant, const std::string& detail) {
  insertAuditEntry(st_->auditInsert, audit_->append(at_ms, event, uuid, participant, detail));
}

void SqliteStore::applyReplay(InsertOp& ins, CommitOutcome& out) {
  const FromReplay& from = *ins.replay();
  QueuedMessage& m = ins.message;
  const auto& dead = ins.dead_letter;
  auto& s = st_->replay;
  s.bind(1, static_cast<std::int64_t>(from.dead_letter_id))
      .bind(2, m.queue)
      .bind(3, m.message_type);
  s.bind(4, static_cast<std::int64_t>(dead ? MessageState::kDeadLetter : MessageState::kQueued));
  s.bind(5, static_cast<std::int64_t>(dead ? dead->reason : v1::REASON_UNSPECIFIED));
  s.bind(6, dead ? std::string_view(dead->detail) : std::string_view())
      .bind(7, dead ? m.received_at_ms : 0);
  s.bind(8, traceLine(m.received_at_ms, "replayed", "by " + from.by) + ins.history +
                traceLine(m.received_at_ms, "stored", "queue " + m.queue) +
                (dead ? traceLine(m.received_at_ms, "dead_lettered", dead->toString()) : ""));
  s.run();
  InsertOutcome o{std::move(ins)};
  if (sqlite3_changes(writer_.get()) == 0) {
    o.failed = true;
    o.error = "dead letter " + std::to_string(from.dead_letter_id) + " is no longer a dead letter";
  } else {
    QueuedMessage& stored = o.op.message;
    stored.id = from.dead_letter_id;
    const std::string_view original =
        stored.original ? std::string_view(*stored.original) : std::string_view();
    auto& p = st_->replacePayload;
    p.bind(1, static_cast<std::int64_t>(stored.id))
        .bindBlob(2, *stored.payload)
        .bindBlob(3, original);
    p.bindBlob(4, payloadDigest(stored, *stored.payload, original)).run();
    // ins (and what from and dead referred to) was moved into o.
    const auto& again = o.op.dead_letter;
    audit(stored.received_at_ms, audit_event::kReplayed, stored.uuid, o.op.replay()->by,
          "into queue " + stored.queue + (again ? ", dead again: " + again->toString() : ""));
  }
  out.inserts.push_back(std::move(o));
}

void SqliteStore::applyInsert(InsertOp& ins, CommitOutcome& out) {
  QueuedMessage& m = ins.message;
  const std::uint64_t hash = DedupeIndex::hashOf(m.uuid);
  // The writer is the only thread that changes the index: its own lookups need no lock.
  // The same message: same author, id and type (a process id that several message types share
  // names several messages). Its document should be the same too.
  if (m.authored_sha256.empty()) {
    m.authored_sha256 = dsig::sha256Hex(m.original ? *m.original : *m.payload);
  }
  std::string stored_sha;
  const bool duplicate = dedupe_->index.find(hash, [&](std::uint64_t id) {
    auto& k = st_->keyOf;
    k.bind(1, static_cast<std::int64_t>(id));
    const bool same =
        k.step() && k.text(0) == m.author && k.text(1) == m.uuid && k.text(2) == m.message_type;
    if (same) stored_sha = k.text(3);  // empty for rows of stores older than the column
    k.reset();
    return same;
  }) != 0;
  if (!duplicate) {
    auto& s = st_->insert;
    s.bind(1, m.uuid).bind(2, m.author).bind(3, m.sender).bind(4, m.reader);
    s.bind(5, m.message_type).bind(6, m.queue).bind(7, m.received_at_ms);
    const auto& dead = ins.dead_letter;
    s.bind(8, static_cast<std::int64_t>(dead ? MessageState::kDeadLetter : MessageState::kQueued));
    s.bind(9, static_cast<std::int64_t>(dead ? dead->reason : v1::REASON_UNSPECIFIED));
    s.bind(10, dead ? std::string_view(dead->detail) : std::string_view());
    s.bind(11, dead ? m.received_at_ms : 0);
    s.bind(12, ins.history + traceLine(m.received_at_ms, "stored", "queue " + m.queue) +
                   (dead ? traceLine(m.received_at_ms, "dead_lettered", dead->toString()) : ""));
    s.bind(13, m.authored_sha256);
    s.run();
    m.id = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(writer_.get()));
    // An empty view binds NULL: no separate original.
    const std::string_view original =
        m.original ? std::string_view(*m.original) : std::string_view();
    st_->insertPayload.bind(1, static_cast<std::int64_t>(m.id))
        .bindBlob(2, *m.payload)
        .bindBlob(3, original);
    st_->insertPayload.bindBlob(4, payloadDigest(m, *m.payload, original)).run();
    {
      std::unique_lock lock(dedupe_->mu);
      dedupe_->index.insert(hash, m.id);
    }
    added_.emplace_back(hash, m.id);
    audit(m.received_at_ms, audit_event::kAccepted, m.uuid, m.sender, acceptedAuditDetail(m));
    if (dead)
      audit(m.received_at_ms, audit_event::kDeadLettered, m.uuid, m.sender, dead->toString());
  }
  out.inserts.push_back(insertOutcome(std::move(ins), duplicate, stored_sha));
}

void SqliteStore::applySettle(const SettleOp& st, CommitOutcome& out) {
  // A dead letter by delivery (MAX_ATTEMPTS) tells its portal too; a damaged row names no
  // sender worth trusting.
  const bool receipt = st.state == MessageState::kDelivered ||
                       st.state == MessageState::kRejected ||
                       (st.state == MessageState::kDeadLetter && st.reason != v1::STORE_CORRUPT);
  auto& s = st_->settle;
  s.bind(1, static_cast<std::int64_t>(st.id)).bind(2, static_cast<std::int64_t>(st.state));
  s.bind(3, static_cast<std::int64_t>(st.reason)).bind(4, st.detail).bind(5, st.receiver);
  s.bind(6, st.at_ms).bind(7, receipt ? 1 : 0);
  s.bind(8, static_cast<std::int64_t>(receipt ? next_receipt_seq_ : 0));
  const char* event = st.state == MessageState::kDelivered  ? audit_event::kDelivered
                      : st.state == MessageState::kRejected ? audit_event::kRejected
                                                            : audit_event::kDeadLettered;
  const std::string why = st.state == MessageState::kDelivered
                              ? "by " + st.receiver
                              : "by " + st.receiver + ": " + reasonName(st.reason) +
                                    (st.detail.empty() ? "" : " " + st.detail);
  s.bind(9, traceLine(st.at_ms, event, why));
  s.run();
  const bool changed = sqlite3_changes(writer_.get()) > 0;
  if (changed) audit(st.at_ms, event, st.message_uuid, st.receiver, why);
  // Dead letters keep their document for inspection and replay.
  if (changed && st.state != MessageState::kDeadLetter) {
    st_->deletePayload.bind(1, static_cast<std::int64_t>(st.id)).run();
  }
  if (receipt && changed) {
    out.receipts.push_back(ReceiptRecord{st.id, next_receipt_seq_++, st.sender, st.message_uuid,
                                         st.state, st.reason, st.detail, st.receiver, st.at_ms,
                                         st.message_type});
  }
}

void SqliteStore::applyOne(StoreOp& op, CommitOutcome& out) {
  sqlite3* db = writer_.get();
  if (auto* ins = std::get_if<InsertOp>(&op)) {
    if (ins->replay()) {
      applyReplay(*ins, out);
    } else {
      applyInsert(*ins, out);
    }
  } else if (auto* st = std::get_if<SettleOp>(&op)) {
    applySettle(*st, out);
  } else if (auto* at = std::get_if<AttemptOp>(&op)) {
    st_->attempts.bind(1, static_cast<std::int64_t>(at->id)).bind(2, at->attempts);
    st_->attempts
        .bind(3, traceLine(at->at_ms, "delivery_failed",
                           "attempt " + std::to_string(at->attempts) + ": " + at->note))
        .run();
  } else if (auto* d = std::get_if<DiscardOp>(&op)) {
    st_->discard.bind(1, static_cast<std::int64_t>(d->id)).bind(2, d->at_ms);
    st_->discard.bind(3, traceLine(d->at_ms, "discarded", "by " + d->by)).run();
    if (sqlite3_changes(db) == 0) {
      out.not_discarded.emplace_back(*d, "dead letter " + std::to_string(d->id) +
                                             " does not exist (already replayed or discarded?)");
      return;
    }
    st_->deletePayload.bind(1, static_cast<std::int64_t>(d->id)).run();
    if (auto key = keyOf(d->id))
      audit(d->at_ms, audit_event::kDiscarded, key->second, d->by, "dead letter discarded");
    out.discarded.push_back(*d);
  } else if (auto* purge = std::get_if<PurgeOp>(&op)) {
    applyPurge(*purge, out);
  } else if (auto* ra = std::get_if<ReceiptAckOp>(&op)) {
    st_->receiptAck.bind(1, static_cast<std::int64_t>(ra->id));
    st_->receiptAck.bind(2, traceLine(ra->at_ms, "receipt_acknowledged", "by the portal")).run();
    if (sqlite3_changes(db) > 0) {
      if (auto key = keyOf(ra->id)) {
        audit(ra->at_ms, audit_event::kReceiptAcknowledged, key->second, key->first,
              "receipt acknowledged");
      }
    }
  }
}

void SqliteStore::applyPurge(const PurgeOp& p, CommitOutcome& out) {
  auto& scan = st_->purgeScan;
  scan.bind(1, static_cast<std::int64_t>(p.after_id)).bind(2, static_cast<std::int64_t>(p.limit));
  std::vector<std::pair<std::uint64_t, std::string>> settled;
  std::uint64_t last = p.after_id;
  std::size_t rows = 0;
  bool reached_cutoff = false;
  while (scan.step()) {
    ++rows;
    if (scan.integer(4) >= p.received_before_ms) {
      reached_cutoff = true;
      break;
    }
    last = static_cast<std::uint64_t>(scan.integer(0));
    const auto state = static_cast<MessageState>(scan.integer(2));
    const bool receipt_waiting = scan.integer(3) == 1;
    if ((state == MessageState::kDelivered || state == MessageState::kRejected ||
         state == MessageState::kDiscarded) &&
        !receipt_waiting) {
      settled.emplace_back(last, scan.text(1));
    }
  }
  scan.reset();
  std::uint64_t removed = 0;
  for (const auto& [id, uuid] : settled) {
    st_->purgeOne.bind(1, static_cast<std::int64_t>(id)).run();
    if (sqlite3_changes(writer_.get()) == 0) continue;
    st_->deletePayload.bind(1, static_cast<std::int64_t>(id)).run();
    purged_.emplace_back(DedupeIndex::hashOf(uuid), id);
    ++removed;
  }
  if (removed > 0) {
    audit(p.at_ms, audit_event::kPurged, "", "retention",
          std::to_string(removed) + " settled messages received before " +
              std::to_string(p.received_before_ms) + " (ms since 1970), ids " +
              std::to_string(settled.front().first) + " to " +
              std::to_string(settled.back().first));
  }
  const std::uint64_t next = reached_cutoff || rows < p.limit ? 0 : last;
  out.purged = std::make_pair(removed, next);
}

CommitOutcome SqliteStore::apply(std::vector<StoreOp>& ops) {
  CommitOutcome out;
  out.operations = ops.size();
  const auto start = steadyMicros();
  added_.clear();
  purged_.clear();
  const std::uint64_t receipt_seq_before = next_receipt_seq_;
  const AuditChain::Mark audit_before = audit_->mark();
  try {
    st_->begin.run();
    for (StoreOp& op : ops) applyOne(op, out);
    st_->commit.run();
    {
      std::lock_guard tip_lock(tip_mu_);
      committed_tip_ = AuditTip{audit_->lastSeq(), audit_->lastHash()};
    }
    if (!purged_.empty()) {
      // Only once the rows are gone for good: a rolled-back purge keeps them findable.
      std::unique_lock lock(dedupe_->mu);
      for (const auto& [hash, id] : purged_) dedupe_->index.erase(hash, id);
    }
  } catch (const std::exception& e) {
    try {
      st_->rollback.run();
    } catch (const std::exception&) {
      // The transaction is gone already (SQLite rolls back on some I/O errors by itself).
    }
    const auto* sql = dynamic_cast<const sqlite::Error*>(&e);
    out.damaged = sql != nullptr && sql->damaged();
    next_receipt_seq_ = receipt_seq_before;
    audit_->rollback(audit_before);
    {
      std::unique_lock lock(dedupe_->mu);
      for (const auto& [hash, id] : added_) dedupe_->index.erase(hash, id);
    }
    answerFailedCommit(out, ops, e.what());
  }
  out.commit_micros = steadyMicros() - start;
  return out;
}

Result<std::unique_ptr<StoreReader>> openSqliteReader(const std::filesystem::path& file) {
  return SqliteReader::open(file, nullptr);
}

}  // namespace ozgbus::broker
