#include "broker/store/postgres/pg_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "broker/store/insert_outcome.h"
#include "broker/store/payload_digest.h"
#include "broker/store/postgres/pg_reader.h"
#include "broker/store/postgres/pg_schema.h"
#include "broker/store/postgres/pg_statements.h"
#include "broker/store/trace_line.h"
#include "core/util/text.h"

namespace ozgbus::broker {
namespace {

// As PostgreSQL's text takes it: valid UTF-8 (else U+FFFD), no NUL.
void makeStorable(std::string& s) {
  s = util::validUtf8(std::move(s));
  std::replace(s.begin(), s.end(), '\0', '?');
}

// PostgreSQL's text holds valid UTF-8 without NUL; SQLite's holds any bytes. Free text that
// comes from outside (a receiver's detail, an operator's name, the pipeline's notes) is made
// storable before it is used, so that one odd byte cannot fail a commit again on every retry.
// Header fields stay exact (the duplicate key, under the payload digest): an odd byte there
// fails its commit, once.
void makeStorable(StoreOp& op) {
  if (auto* ins = std::get_if<InsertOp>(&op)) {
    makeStorable(ins->history);
    if (ins->dead_letter) makeStorable(ins->dead_letter->detail);
    if (auto* from = std::get_if<FromReplay>(&ins->origin)) makeStorable(from->by);
  } else if (auto* st = std::get_if<SettleOp>(&op)) {
    makeStorable(st->detail);
    makeStorable(st->receiver);
  } else if (auto* at = std::get_if<AttemptOp>(&op)) {
    makeStorable(at->note);
  } else if (auto* d = std::get_if<DiscardOp>(&op)) {
    makeStorable(d->by);
  }
}

// Waits `wait` for an advisory lock; false when another session holds it.
bool tryLock(PGconn* conn, const std::string& sql, const char* wait) {
  pg::exec(conn, (std::string("SET lock_timeout = '") + wait + "'").c_str());
  try {
    pg::exec(conn, sql.c_str());
  } catch (const pg::Error& e) {
    if (e.sqlstate != "55P03") throw;  // lock_not_available: the time ran out
    pg::exec(conn, "RESET lock_timeout");
    return false;
  }
  pg::exec(conn, "RESET lock_timeout");
  return true;
}

constexpr const char* kStoreLock = "8032846557943627778";  // "ozgbus" and 2
// Held by a node's commit from its audit entries to COMMIT: one chain, receipts in order.
constexpr const char* kCommitTurn = "SELECT pg_advisory_xact_lock(8032846557943627780)";

// Session locks, so they go with the connection; a killed broker's session ends when the
// server notices, and this waits a little for that (a restart after SIGKILL), not for a broker
// that is running. One broker per database holds the store's lock alone: a second writer would
// fork the audit chain and deliver messages twice. Nodes of a cluster share it, and each holds
// its name's lock. Empty: locked; else who holds the store.
std::string lockStore(PGconn* conn, const std::string& where, const std::string& node,
                      const char* wait) {
  if (node.empty()) {
    if (tryLock(conn, std::string("SELECT pg_advisory_lock(") + kStoreLock + ")", wait)) return "";
    return where + " is in use by another broker (it holds the store's lock): one broker per " +
           "database, or [cluster] node set on each of them";
  }
  if (!tryLock(conn, std::string("SELECT pg_advisory_lock_shared(") + kStoreLock + ")", wait)) {
    return where + " is in use by a broker that is not a cluster node ([cluster] node unset): " +
           "nodes share a database with nodes only";
  }
  // The name is checked by the configuration: letters, digits and . _ - only.
  if (!tryLock(conn, "SELECT pg_advisory_lock(1869047667, hashtext('ozgbus node " + node + "'))",
               wait)) {
    return "cluster node \"" + node + "\" is running already on " + where +
           " (another broker holds the node's lock): each node needs a name of its own";
  }
  return "";
}

// A writer's transaction never waits on its broker between statements for long: one that does
// (its process stopped, its network gone without a reset) is ended by the server, so the locks
// it holds — in a cluster the commit turn every node waits for — are not held for ever.
void limitIdleTransactions(PGconn* conn) {
  pg::exec(conn, "SET idle_in_transaction_session_timeout = '10s'");
}

}  // namespace

PgStore::~PgStore() = default;

Result<std::unique_ptr<PgStore>> PgStore::open(const PgOptions& options) {
  std::unique_ptr<PgStore> s(new PgStore());
  s->options_ = options;
  try {
    s->conn_ = pg::connect(options.url, options.password);
    s->where_ = pg::describe(s->conn_.get());
    limitIdleTransactions(s->conn_.get());
    if (auto held = lockStore(s->conn_.get(), s->where_, options.node, "5s"); !held.empty()) {
      return reject(v1::STORE_FAILED, held);
    }
    s->locked_ = true;
    std::int64_t migrated_from = 0;
    if (auto refused = pg::ensureSchema(s->conn_.get(), migrated_from)) {
      return reject(v1::STORE_FAILED, s->where_ + ": " + *refused);
    }
    if (migrated_from != 0) {
      spdlog::warn("store {}: schema migrated from version {} to {}", s->where_, migrated_from,
                   pg::kSchemaVersion);
    }
    s->st_ = std::make_unique<Statements>(s->conn_.get());
    s->loadAuditTip();
  } catch (const std::exception& e) {
    return reject(v1::STORE_FAILED, std::string("cannot open store: ") + e.what());
  }
  spdlog::info("store {}: schema version {}, audit log at entry {}{}", s->where_,
               pg::kSchemaVersion, s->audit_->lastSeq(),
               options.node.empty() ? std::string() : ", cluster node \"" + options.node + "\"");
  return s;
}

Result<std::unique_ptr<StoreReader>> PgStore::reader() const { return PgReader::open(options_); }

void PgStore::loadAuditTip() {
  const pg::Rows last = st_->auditTip.run(pg::Params());
  AuditTip tip;
  if (last.size() > 0) {
    tip.seq = static_cast<std::uint64_t>(last.integer(0, 0));
    tip.hash = last.text(0, 1);
  }
  if (audit_ && audit_->lastSeq() != tip.seq && !cluster()) {
    // The connection was lost during a COMMIT that the server carried out after all: its
    // messages were answered STORE_FAILED, but they are stored (a resubmission is a duplicate).
    spdlog::warn(
        "store {}: the audit log ends at entry {}, not {}: the commit the connection was "
        "lost in was stored after all",
        where_, tip.seq, audit_->lastSeq());
  }
  audit_ = std::make_unique<AuditChain>(tip.seq, tip.hash);
}

void PgStore::reconnectIfLost() {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    spdlog::warn("store {}: connection lost, connecting again", where_);
    st_.reset();
    locked_ = false;
    pg::reset(conn_.get());
    audit_stale_ = true;
    spdlog::info("store {}: connected again", where_);
  }
  if (!locked_) {
    // A new session holds no lock: taken again, unless another broker took over meanwhile.
    limitIdleTransactions(conn_.get());
    if (auto held = lockStore(conn_.get(), where_, options_.node, "1s"); !held.empty()) {
      throw pg::Error(held + " (taken while the connection was lost)");
    }
    locked_ = true;
  }
  if (!st_) {
    // A session that failed half-way through preparing keeps what it prepared.
    pg::exec(conn_.get(), "DEALLOCATE ALL");
    st_ = std::make_unique<Statements>(conn_.get());
  }
  if (audit_stale_) {
    loadAuditTip();
    audit_stale_ = false;
  }
}

void PgStore::begin() {
  try {
    pg::exec(conn_.get(), "BEGIN");
  } catch (const pg::Error&) {
    if (PQstatus(conn_.get()) == CONNECTION_OK) throw;
    // A connection that died while idle shows only now; nothing of the batch was sent yet.
    reconnectIfLost();
    pg::exec(conn_.get(), "BEGIN");
  }
}

void PgStore::audit(std::int64_t at_ms, const char* event, const std::string& uuid,
                    const std::string& participant, const std::string& detail) {
  audit_rows_.push_back(PendingAudit{at_ms, event, uuid, participant, detail});
}

// Under the commit turn, until COMMIT: the audit chain's tip is the one other nodes left, and
// receipt numbers follow the order commits become visible in, so that a node reading a portal's
// receipts after the last one it saw misses none that another node committed meanwhile.
void PgStore::takeClusterTurn(CommitOutcome& out) {
  pg::exec(conn_.get(), kCommitTurn);
  if (!out.receipts.empty()) {
    std::vector<std::uint64_t> ids;
    for (const ReceiptRecord& r : out.receipts) ids.push_back(r.id);
    const pg::Rows seqs = st_->renumberReceipts.run(pg::Params().ids(ids));
    std::unordered_map<std::uint64_t, std::uint64_t> seq_of;
    for (int i = 0; i < seqs.size(); ++i) {
      seq_of[static_cast<std::uint64_t>(seqs.integer(i, 0))] =
          static_cast<std::uint64_t>(seqs.integer(i, 1));
    }
    for (ReceiptRecord& r : out.receipts) r.seq = seq_of[r.id];
  }
  loadAuditTip();
  if (!notices_.empty()) {
    std::sort(notices_.begin(), notices_.end());
    notices_.erase(std::unique(notices_.begin(), notices_.end()), notices_.end());
    std::vector<std::string_view> views(notices_.begin(), notices_.end());
    st_->notify.run(pg::Params().texts(views));  // delivered to listeners at COMMIT
  }
}

void PgStore::finishCommit(CommitOutcome& out, std::optional<AuditChain::Mark>& audit_before) {
  if (cluster()) takeClusterTurn(out);
  if (audit_rows_.empty()) return;
  audit_before = audit_->mark();
  std::vector<std::int64_t> seq, at_ms;
  std::vector<std::string> event, prev_hash, hash;
  std::vector<std::string_view> uuid, participant, detail;
  for (const PendingAudit& a : audit_rows_) {
    const AuditEntry e = audit_->append(a.at_ms, a.event, a.uuid, a.participant, a.detail);
    seq.push_back(pg::clamped(e.seq));
    at_ms.push_back(e.at_ms);
    event.push_back(e.event);
    uuid.push_back(a.uuid);
    participant.push_back(a.participant);
    detail.push_back(a.detail);
    prev_hash.push_back(e.prev_hash);
    hash.push_back(e.hash);
  }
  const std::vector<std::string_view> event_v(event.begin(), event.end()),
      prev_v(prev_hash.begin(), prev_hash.end()), hash_v(hash.begin(), hash.end());
  pg::Params p;
  p.integers(seq).integers(at_ms).texts(event_v).texts(uuid).texts(participant).texts(detail);
  st_->auditInsert.run(p.texts(prev_v).texts(hash_v));
}

void PgStore::applyReplay(InsertOp& ins, CommitOutcome& out) {
  const std::uint64_t id = ins.replay()->dead_letter_id;
  const QueuedMessage& m = ins.message;
  const auto& dead = ins.dead_letter;
  const std::string_view original = m.original ? std::string_view(*m.original) : std::string_view();
  const std::string digest = payloadDigest(m, *m.payload, original);
  pg::Params p;
  p.integer(pg::clamped(id)).text(m.queue).text(m.message_type);
  p.integer(static_cast<std::int64_t>(dead ? MessageState::kDeadLetter : MessageState::kQueued));
  p.integer(static_cast<std::int64_t>(dead ? dead->reason : v1::REASON_UNSPECIFIED));
  if (dead) {
    p.text(dead->detail);
  } else {
    p.null();
  }
  p.integer(dead ? m.received_at_ms : 0);
  p.text(traceLine(m.received_at_ms, "replayed", "by " + ins.replay()->by) + ins.history +
         traceLine(m.received_at_ms, "stored", "queue " + m.queue) +
         (dead ? traceLine(m.received_at_ms, "dead_lettered", dead->toString()) : ""));
  p.bytes(*m.payload);
  if (m.original) {
    p.bytes(*m.original);
  } else {
    p.null();
  }
  p.bytes(digest);
  const bool replayed = st_->replay.run(p).size() > 0;
  InsertOutcome o{std::move(ins)};
  const FromReplay& from = *o.op.replay();  // read after the move: it owns the strings now
  if (!replayed) {
    o.failed = true;
    o.error = "dead letter " + std::to_string(id) + " is no longer a dead letter";
  } else {
    QueuedMessage& stored = o.op.message;
    stored.id = id;
    if (!o.op.dead_letter) notices_.push_back("q:" + stored.queue);
    audit(stored.received_at_ms, audit_event::kReplayed, stored.uuid, from.by,
          "into queue " + stored.queue +
              (o.op.dead_letter ? ", dead again: " + o.op.dead_letter->toString() : ""));
  }
  out.inserts.push_back(std::move(o));
}

void PgStore::applyDiscard(const DiscardOp& d, CommitOutcome& out) {
  const pg::Rows gone = st_->discard.run(pg::Params()
                                             .integer(pg::clamped(d.id))
                                             .integer(d.at_ms)
                                             .text(traceLine(d.at_ms, "discarded", "by " + d.by)));
  if (gone.size() == 0) {
    out.not_discarded.emplace_back(d, "dead letter " + std::to_string(d.id) +
                                          " does not exist (already replayed or discarded?)");
    return;
  }
  audit(d.at_ms, audit_event::kDiscarded, gone.text(0, 0), d.by, "dead letter discarded");
  out.discarded.push_back(d);
}

void PgStore::applyPurge(const PurgeOp& p, CommitOutcome& out) {
  const pg::Rows scan = st_->purgeScan.run(
      pg::Params().integer(pg::clamped(p.after_id)).integer(pg::clamped(p.limit)));
  std::vector<std::int64_t> settled;
  std::uint64_t last = p.after_id;
  std::size_t rows = 0;
  bool reached_cutoff = false;
  for (int i = 0; i < scan.size(); ++i) {
    ++rows;
    if (scan.integer(i, 4) >= p.received_before_ms) {
      reached_cutoff = true;
      break;
    }
    last = static_cast<std::uint64_t>(scan.integer(i, 0));
    const auto state = static_cast<MessageState>(scan.integer(i, 2));
    const bool receipt_waiting = scan.integer(i, 3) == 1;
    if ((state == MessageState::kDelivered || state == MessageState::kRejected ||
         state == MessageState::kDiscarded) &&
        !receipt_waiting) {
      settled.push_back(static_cast<std::int64_t>(last));
    }
  }
  std::uint64_t removed = 0;
  if (!settled.empty()) removed = st_->purge.run(pg::Params().integers(settled)).affected();
  if (removed > 0) {
    audit(p.at_ms, audit_event::kPurged, "", "retention",
          std::to_string(removed) + " settled messages received before " +
              std::to_string(p.received_before_ms) + " (ms since 1970), ids " +
              std::to_string(settled.front()) + " to " + std::to_string(settled.back()));
  }
  const std::uint64_t next = reached_cutoff || rows < p.limit ? 0 : last;
  out.purged = std::make_pair(removed, next);
}

// What a group commit holds, each kind in one statement (pg_batches.cpp); the rare ones
// (replays, discards, retention) one by one first.
void PgStore::applyAll(std::vector<StoreOp>& ops, CommitOutcome& out) {
  std::vector<InsertOp*> inserts;
  std::vector<const SettleOp*> settles;
  std::vector<const AttemptOp*> attempts;
  std::vector<const ReceiptAckOp*> acks;
  for (StoreOp& op : ops) {
    makeStorable(op);
    if (auto* ins = std::get_if<InsertOp>(&op)) {
      if (ins->replay()) {
        applyReplay(*ins, out);
      } else {
        inserts.push_back(ins);
      }
    } else if (const auto* st = std::get_if<SettleOp>(&op)) {
      settles.push_back(st);
    } else if (const auto* at = std::get_if<AttemptOp>(&op)) {
      attempts.push_back(at);
    } else if (const auto* d = std::get_if<DiscardOp>(&op)) {
      applyDiscard(*d, out);
    } else if (const auto* purge = std::get_if<PurgeOp>(&op)) {
      applyPurge(*purge, out);
    } else if (const auto* ra = std::get_if<ReceiptAckOp>(&op)) {
      acks.push_back(ra);
    }
  }
  // A failed attempt and the delivery after it may share a commit: the trace keeps that order.
  insertBatch(inserts, out);
  attemptBatch(attempts);
  settleBatch(settles, out);
  receiptAckBatch(acks);
}

CommitOutcome PgStore::apply(std::vector<StoreOp>& ops) {
  CommitOutcome out;
  out.operations = ops.size();
  const auto start = steadyMicros();
  audit_rows_.clear();
  notices_.clear();
  std::optional<AuditChain::Mark> audit_before;
  try {
    reconnectIfLost();
    begin();
    applyAll(ops, out);
    finishCommit(out, audit_before);
    const pg::PgResult done = pg::exec(conn_.get(), "COMMIT");
    // The server answers COMMIT of a failed transaction with ROLLBACK, not with an error.
    if (std::string_view(PQcmdStatus(done.get())) != "COMMIT") {
      throw pg::Error("COMMIT: the transaction was rolled back");
    }
  } catch (const std::exception& e) {
    if (PQstatus(conn_.get()) == CONNECTION_OK &&
        PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
      try {
        pg::exec(conn_.get(), "ROLLBACK");
      } catch (const std::exception&) {
        // The connection went in the meantime; the server rolls back what it had.
      }
    }
    const auto* sql = dynamic_cast<const pg::Error*>(&e);
    out.damaged = sql != nullptr && sql->damaged();
    out.unavailable = PQstatus(conn_.get()) != CONNECTION_OK || (sql && sql->unavailable());
    if (audit_before) audit_->rollback(*audit_before);
    answerFailedCommit(out, ops, e.what());
  }
  audit_rows_.clear();
  notices_.clear();
  out.commit_micros = steadyMicros() - start;
  return out;
}

}  // namespace ozgbus::broker
