// What every store engine answers for an insert and for a failed commit, in one place: a
// duplicate is stored once, one whose document differs from the stored one is a conflict
// (DUPLICATE_CONFLICT upstream), a failed commit stored nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "broker/store/records.h"

namespace ozgbus::broker {

// stored_sha: the stored message's authored SHA-256 when this insert is a duplicate (empty for
// rows of stores older than the column: those are not compared).
inline InsertOutcome insertOutcome(InsertOp&& op, bool duplicate, const std::string& stored_sha) {
  InsertOutcome o{std::move(op)};
  o.duplicate = duplicate;
  if (duplicate && !stored_sha.empty() && stored_sha != o.op.message.authored_sha256) {
    o.conflict = stored_sha;
  }
  return o;
}

// A commit that failed (the engine has rolled back): nothing of it happened. Its settles,
// attempts and receipt ACKs go back to the committer to be applied again; every insert, also
// those not reached yet, is answered failed with the error.
inline void answerFailedCommit(CommitOutcome& out, std::vector<StoreOp>& ops,
                               const std::string& error) {
  out.error = error;
  out.receipts.clear();
  out.purged.reset();
  out.discarded.clear();
  out.not_discarded.clear();
  for (StoreOp& op : ops) {
    if (!std::holds_alternative<InsertOp>(op)) out.retry.push_back(std::move(op));
  }
  for (StoreOp& op : ops) {
    if (auto* ins = std::get_if<InsertOp>(&op); ins && ins->message.payload) {
      out.inserts.push_back(InsertOutcome{std::move(*ins)});
    }
  }
  for (InsertOutcome& o : out.inserts) {
    o.failed = true;
    o.unavailable = out.unavailable;
    o.duplicate = false;
    o.error = error;
  }
}

// A commit's duration (CommitOutcome::commit_micros), not an instant: what the broker records
// comes in with the operations.
inline std::int64_t steadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The audit log's line for an accepted message.
inline std::string acceptedAuditDetail(const QueuedMessage& m) {
  return "queue " + m.queue + ", type " + m.message_type + ", sha256 " + m.authored_sha256;
}

}  // namespace ozgbus::broker
