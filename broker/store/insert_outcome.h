// What every store engine answers for an insert, in one place: a duplicate is stored once, and
// one whose document differs from the stored one is a conflict (DUPLICATE_CONFLICT upstream).
#pragma once

#include <string>
#include <utility>

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

// The audit log's line for an accepted message.
inline std::string acceptedAuditDetail(const QueuedMessage& m) {
  return "queue " + m.queue + ", type " + m.message_type + ", sha256 " + m.authored_sha256;
}

}  // namespace ozgbus::broker
