// PgStore's most frequent operations, each kind of a group commit in one statement: the
// server's cost and the round trips are per commit, not per message. Arrays go in PostgreSQL's
// binary array format; the strings the views point into live until the statement has run.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "broker/store/insert_outcome.h"
#include "broker/store/payload_digest.h"
#include "broker/store/postgres/pg_statements.h"
#include "broker/store/trace_line.h"
#include "core/dsig/openssl.h"

namespace ozgbus::broker {
namespace {

using Views = std::vector<std::string_view>;
using Optionals = std::vector<std::optional<std::string_view>>;

// The duplicate key: author, message id, message type.
std::string keyOf(std::string_view author, std::string_view uuid, std::string_view type) {
  std::string key;
  key.reserve(author.size() + uuid.size() + type.size() + 2);
  key.append(author).append(1, '\0').append(uuid).append(1, '\0').append(type);
  return key;
}

std::optional<std::string_view> maybe(const std::shared_ptr<const std::string>& s) {
  return s ? std::optional<std::string_view>(*s) : std::nullopt;
}

}  // namespace

void PgStore::insertBatch(std::vector<InsertOp*>& batch, CommitOutcome& out) {
  if (batch.empty()) return;
  // The first of a key in the batch is stored; a later one is its duplicate, as it would be in
  // a later commit.
  std::unordered_map<std::string, std::size_t> first;
  std::vector<std::string> keys, digests, histories, details;
  keys.reserve(batch.size());
  digests.reserve(batch.size());
  histories.reserve(batch.size());
  details.reserve(batch.size());
  Views uuid, author, sender, reader, type, queue, history, sha;
  Optionals detail, body, original, digest;
  std::vector<std::int64_t> received, state, reason, settled;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    QueuedMessage& m = batch[i]->message;
    // The same message: same author, id and type (a process id that several message types
    // share names several messages). Its document should be the same too.
    if (m.authored_sha256.empty()) {
      m.authored_sha256 = dsig::sha256Hex(m.original ? *m.original : *m.payload);
    }
    keys.push_back(keyOf(m.author, m.uuid, m.message_type));
    if (!first.emplace(keys.back(), i).second) continue;
    const auto& dead = batch[i]->dead_letter;
    const std::string_view orig = m.original ? std::string_view(*m.original) : std::string_view();
    digests.push_back(payloadDigest(m, *m.payload, orig));
    histories.push_back(
        batch[i]->history + traceLine(m.received_at_ms, "stored", "queue " + m.queue) +
        (dead ? traceLine(m.received_at_ms, "dead_lettered", dead->toString()) : ""));
    uuid.push_back(m.uuid);
    author.push_back(m.author);
    sender.push_back(m.sender);
    reader.push_back(m.reader);
    type.push_back(m.message_type);
    queue.push_back(m.queue);
    received.push_back(m.received_at_ms);
    state.push_back(
        static_cast<std::int64_t>(dead ? MessageState::kDeadLetter : MessageState::kQueued));
    reason.push_back(static_cast<std::int64_t>(dead ? dead->reason : v1::REASON_UNSPECIFIED));
    detail.push_back(dead ? std::optional<std::string_view>(dead->detail) : std::nullopt);
    settled.push_back(dead ? m.received_at_ms : 0);
    history.push_back(histories.back());
    sha.push_back(m.authored_sha256);
    body.push_back(*m.payload);
    original.push_back(maybe(m.original));
    digest.push_back(digests.back());
  }
  pg::Params p;
  p.texts(uuid).texts(author).texts(sender).texts(reader).texts(type).texts(queue);
  p.integers(received).integers(state).integers(reason).texts(detail).integers(settled);
  p.texts(history).texts(sha).byteas(body).byteas(original).byteas(digest);
  const pg::Rows rows = st_->insertMany.run(p);
  std::unordered_map<std::string, std::uint64_t> id_of;
  for (int r = 0; r < rows.size(); ++r) {
    id_of.emplace(keyOf(rows.text(r, 1), rows.text(r, 2), rows.text(r, 3)),
                  static_cast<std::uint64_t>(rows.integer(r, 0)));
  }
  // What the store held already: its digest, to tell a resubmission from a conflict.
  std::unordered_map<std::string, std::string> stored_sha;
  if (id_of.size() < batch.size()) {
    Views a, u, t;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const QueuedMessage& m = batch[i]->message;
      if (id_of.count(keys[i]) > 0 && first[keys[i]] == i) continue;
      a.push_back(m.author);
      u.push_back(m.uuid);
      t.push_back(m.message_type);
    }
    const pg::Rows found = st_->storedShas.run(pg::Params().texts(a).texts(u).texts(t));
    for (int r = 0; r < found.size(); ++r) {
      stored_sha[keyOf(found.text(r, 0), found.text(r, 1), found.text(r, 2))] = found.text(r, 3);
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    InsertOp& ins = *batch[i];
    QueuedMessage& m = ins.message;
    const auto id = id_of.find(keys[i]);
    const bool duplicate = id == id_of.end() || first[keys[i]] != i;
    if (!duplicate) {
      m.id = id->second;
      if (!ins.dead_letter) notices_.push_back("q:" + m.queue);
      audit(m.received_at_ms, audit_event::kAccepted, m.uuid, m.sender, acceptedAuditDetail(m));
      if (ins.dead_letter) {
        audit(m.received_at_ms, audit_event::kDeadLettered, m.uuid, m.sender,
              ins.dead_letter->toString());
      }
    }
    const auto sha_it = stored_sha.find(keys[i]);
    out.inserts.push_back(
        insertOutcome(std::move(ins), duplicate, sha_it == stored_sha.end() ? "" : sha_it->second));
  }
}

void PgStore::settleBatch(const std::vector<const SettleOp*>& batch, CommitOutcome& out) {
  if (batch.empty()) return;
  struct Settle {
    const SettleOp* op;
    bool receipt;
    const char* event;
    std::string why, line;
  };
  std::vector<Settle> settles;
  std::unordered_set<std::uint64_t> seen;
  for (const SettleOp* st : batch) {
    // One settle per message: a later one would find it settled already.
    if (!seen.insert(st->id).second) continue;
    // A dead letter by delivery (MAX_ATTEMPTS) tells its portal too; a damaged row names no
    // sender worth trusting.
    const bool receipt =
        st->state == MessageState::kDelivered || st->state == MessageState::kRejected ||
        (st->state == MessageState::kDeadLetter && st->reason != v1::STORE_CORRUPT);
    const char* event = st->state == MessageState::kDelivered  ? audit_event::kDelivered
                        : st->state == MessageState::kRejected ? audit_event::kRejected
                                                               : audit_event::kDeadLettered;
    std::string why = st->state == MessageState::kDelivered
                          ? "by " + st->receiver
                          : "by " + st->receiver + ": " + reasonName(st->reason) +
                                (st->detail.empty() ? "" : " " + st->detail);
    std::string line = traceLine(st->at_ms, event, why);
    settles.push_back(Settle{st, receipt, event, std::move(why), std::move(line)});
  }
  std::vector<std::int64_t> id, state, reason, at_ms, receipt;
  Views detail, receiver, line;
  for (const Settle& s : settles) {
    id.push_back(pg::clamped(s.op->id));
    state.push_back(static_cast<std::int64_t>(s.op->state));
    reason.push_back(static_cast<std::int64_t>(s.op->reason));
    detail.push_back(s.op->detail);
    receiver.push_back(s.op->receiver);
    at_ms.push_back(s.op->at_ms);
    receipt.push_back(s.receipt ? 1 : 0);
    line.push_back(s.line);
  }
  pg::Params p;
  p.integers(id).integers(state).integers(reason).texts(detail).texts(receiver).integers(at_ms);
  const pg::Rows rows = st_->settleMany.run(p.integers(receipt).texts(line));
  std::unordered_map<std::uint64_t, std::uint64_t> seq_of;  // settled now: receipt number
  for (int r = 0; r < rows.size(); ++r) {
    seq_of.emplace(static_cast<std::uint64_t>(rows.integer(r, 0)),
                   static_cast<std::uint64_t>(rows.integer(r, 1)));
  }
  for (const Settle& s : settles) {
    const SettleOp& st = *s.op;
    const auto seq = seq_of.find(st.id);
    if (seq == seq_of.end()) continue;  // settled before (or gone): nothing to tell
    audit(st.at_ms, s.event, st.message_uuid, st.receiver, s.why);
    if (!s.receipt) continue;
    notices_.push_back("r:" + st.sender);
    out.receipts.push_back(ReceiptRecord{st.id, seq->second, st.sender, st.message_uuid, st.state,
                                         st.reason, st.detail, st.receiver, st.at_ms,
                                         st.message_type});
  }
  // The outbox takes a portal's receipts in their order; one statement numbered its rows in
  // an order of its own.
  std::sort(out.receipts.begin(), out.receipts.end(),
            [](const ReceiptRecord& a, const ReceiptRecord& b) { return a.seq < b.seq; });
}

void PgStore::attemptBatch(const std::vector<const AttemptOp*>& batch) {
  if (batch.empty()) return;
  // One row per message: the highest count, every failure's line in order.
  std::vector<std::int64_t> id, attempts;
  std::vector<std::string> lines;
  std::unordered_map<std::uint64_t, std::size_t> at;
  for (const AttemptOp* a : batch) {
    const std::string line = traceLine(a->at_ms, "delivery_failed",
                                       "attempt " + std::to_string(a->attempts) + ": " + a->note);
    const auto [it, fresh] = at.emplace(a->id, id.size());
    if (fresh) {
      id.push_back(pg::clamped(a->id));
      attempts.push_back(a->attempts);
      lines.push_back(line);
    } else {
      attempts[it->second] = std::max<std::int64_t>(attempts[it->second], a->attempts);
      lines[it->second] += line;
    }
  }
  const Views line(lines.begin(), lines.end());
  st_->attemptsMany.run(pg::Params().integers(id).integers(attempts).texts(line));
}

void PgStore::receiptAckBatch(const std::vector<const ReceiptAckOp*>& batch) {
  if (batch.empty()) return;
  std::vector<std::int64_t> id;
  std::vector<std::string> lines;
  std::unordered_map<std::uint64_t, std::int64_t> at_ms;
  for (const ReceiptAckOp* ra : batch) {
    if (!at_ms.emplace(ra->id, ra->at_ms).second) continue;
    id.push_back(pg::clamped(ra->id));
    lines.push_back(traceLine(ra->at_ms, "receipt_acknowledged", "by the portal"));
  }
  const Views line(lines.begin(), lines.end());
  const pg::Rows acked = st_->receiptAcks.run(pg::Params().integers(id).texts(line));
  for (int r = 0; r < acked.size(); ++r) {
    audit(at_ms[static_cast<std::uint64_t>(acked.integer(r, 0))], audit_event::kReceiptAcknowledged,
          acked.text(r, 2), acked.text(r, 1), "receipt acknowledged");
  }
}

}  // namespace ozgbus::broker
