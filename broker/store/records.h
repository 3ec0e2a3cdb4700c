// What the store keeps and the operations it applies in one group commit. Plain values; a
// QueuedMessage's payload is shared read-only between the delivery window and in-flight sends.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace ozgbus::broker {

enum class MessageState : int {
  kQueued = 0,
  kDelivered = 1,
  kRejected = 2,
  kDeadLetter = 3,
  kDiscarded = 4
};

struct QueuedMessage {
  std::uint64_t id = 0;  // store row id: monotonic in commit order, also the delivery id
  std::string uuid;
  std::string author;  // header autor/kennung
  std::string sender;  // participant that submitted it; receipts go there
  std::string reader;
  std::string message_type;
  std::string queue;
  std::int64_t received_at_ms = 0;
  std::uint32_t attempts = 0;                   // failed deliveries so far
  std::shared_ptr<const std::string> payload;   // the document delivered (signed by the broker)
  std::shared_ptr<const std::string> original;  // the author's signed document, if it differs
  // SHA-256 (hex) of the author's document: a duplicate with other bytes is a conflict. Set by
  // the persist stage (off the store's thread); the store computes it when empty.
  std::string authored_sha256;
  // Set when the stored row could not be read or does not match its digest: what is wrong. Such
  // a message is never delivered (its fields but id may be garbage).
  std::string damage;
};

struct ReceiptRecord {
  std::uint64_t id = 0;   // the message's id
  std::uint64_t seq = 0;  // order the receipts were made in (ACK order, not message order)
  std::string recipient;  // the sender of the message
  std::string message_uuid;
  MessageState outcome = MessageState::kDelivered;
  ReasonCode reason = v1::REASON_UNSPECIFIED;
  std::string detail;
  std::string receiver;
  std::int64_t at_ms = 0;
  std::string message_type;  // of the message answered (the signed Quittung names it)
};

// Where a message in the pipeline came from, and so who waits for its outcome.
// A connection's SUBMIT: the portal gets SUBMIT_RESULT.
struct FromConnection {
  std::string identity;           // the ZeroMQ routing id to answer
  std::uint64_t correlation = 0;  // the request to answer
  std::size_t bytes = 0;          // the document's size, counted in the broker's bytes in flight
};
// An operator's replay of a dead letter: its stored row is updated in place, the operator's
// request is answered, nobody on the bus is.
struct FromReplay {
  std::uint64_t request = 0;         // the operator's pending request
  std::uint64_t dead_letter_id = 0;  // the row replayed
  std::string from_queue;            // the queue it was a dead letter of
  std::string by;                    // who asked, for the trace and the audit log
  std::int64_t first_received_at_ms =
      0;  // when it arrived first (its certificates' reference time)
};
using Origin = std::variant<FromConnection, FromReplay>;

// Store a newly accepted message (or a replayed dead letter again).
struct InsertOp {
  QueuedMessage message;
  Origin origin;
  std::optional<Rejection> dead_letter;  // stored straight into the dead-letter queue
  std::string history;  // the pipeline's steps, trace lines "at_ms\tevent\tdetail\n"

  const FromReplay* replay() const { return std::get_if<FromReplay>(&origin); }
};

// A delivery ended: delivered, rejected by the receiver, or dead-lettered. The first two
// create a receipt for the sender.
struct SettleOp {
  std::uint64_t id = 0;
  std::string sender;  // the receipt's recipient
  std::string message_uuid;
  MessageState state = MessageState::kDelivered;
  ReasonCode reason = v1::REASON_UNSPECIFIED;
  std::string detail;
  std::string receiver;
  std::int64_t at_ms = 0;
  std::string message_type;
};

struct AttemptOp {
  std::uint64_t id = 0;
  std::uint32_t attempts = 0;
  std::string note;  // why the attempt failed, for the message's trace
  std::int64_t at_ms = 0;
};

struct ReceiptAckOp {
  std::uint64_t id = 0;
  std::int64_t at_ms = 0;  // when the portal acknowledged it
};

// An operator gave up on a dead letter: it is never delivered; its trace and audit entry stay.
struct DiscardOp {
  std::uint64_t id = 0;
  std::string by;
  std::int64_t at_ms = 0;
};

// Retention: settled messages received before received_before_ms, looked at in id order from
// after_id on, at most limit rows per operation (a commit stays short).
struct PurgeOp {
  std::int64_t received_before_ms = 0;
  std::int64_t at_ms = 0;  // when retention ran, for the audit log
  std::uint64_t after_id = 0;
  std::size_t limit = 1000;
};

using StoreOp = std::variant<InsertOp, SettleOp, AttemptOp, ReceiptAckOp, DiscardOp, PurgeOp>;

// "settle of message id 55", for logs.
inline std::string describe(const StoreOp& op) {
  struct Name {
    std::string operator()(const InsertOp& o) const {
      return "insert of message " + o.message.uuid;
    }
    std::string operator()(const SettleOp& o) const {
      return "settle of message id " + std::to_string(o.id);
    }
    std::string operator()(const AttemptOp& o) const {
      return "attempt count of message id " + std::to_string(o.id);
    }
    std::string operator()(const ReceiptAckOp& o) const {
      return "receipt ACK of message id " + std::to_string(o.id);
    }
    std::string operator()(const DiscardOp& o) const {
      return "discard of dead letter " + std::to_string(o.id);
    }
    std::string operator()(const PurgeOp&) const { return "retention step"; }
  };
  return std::visit(Name{}, op);
}

// A stored message as the operator's tools see it.
struct StoredMessage {
  QueuedMessage message;  // payload and original loaded too, while the store keeps them
  MessageState state = MessageState::kQueued;
  ReasonCode reason = v1::REASON_UNSPECIFIED;
  std::string detail;
};

struct InsertOutcome {
  InsertOp op;  // message.id set when stored
  bool duplicate = false;
  bool failed = false;  // the commit failed: nothing of this batch is stored
  std::string error;
  // A duplicate whose document differs from the stored one: the stored one's SHA-256 (hex).
  std::string conflict;
  bool unavailable = false;  // failed because the store's server could not be reached
};

struct CommitOutcome {
  std::vector<InsertOutcome> inserts;
  std::vector<ReceiptRecord> receipts;  // created by settles in this commit
  std::vector<StoreOp> retry;           // a failed commit's non-insert operations, to apply again
  std::vector<DiscardOp> discarded;     // done in this commit
  std::vector<std::pair<DiscardOp, std::string>> not_discarded;  // and why not
  // A PurgeOp in this commit: rows removed, and where the next one goes on (0: from the start,
  // everything before the cut-off was looked at).
  std::optional<std::pair<std::uint64_t, std::uint64_t>> purged;  // {removed, next after_id}
  std::size_t operations = 0;
  std::int64_t commit_micros = 0;
  std::optional<std::string> error;  // the commit failed: why (nothing of it is stored)
  bool damaged = false;      // ... because the store's file is damaged: the same batch fails again
  bool unavailable = false;  // ... because the store's server could not be reached
};

struct QueueCounts {
  std::string queue;
  std::uint64_t queued = 0;
  std::uint64_t dead = 0;
};

// One line of a message's trace.
struct TraceEvent {
  std::int64_t at_ms = 0;
  std::string event;
  std::string detail;
};

// A stored message's way through the bus, as kept with it.
struct MessageTrace {
  std::uint64_t id = 0;
  std::string uuid;
  std::string author;
  std::vector<TraceEvent> events;
};

// A dead letter as the operators' list shows it.
struct DeadLetter {
  std::uint64_t id = 0;
  std::string uuid;
  std::string queue;
  ReasonCode reason = v1::REASON_UNSPECIFIED;
  std::string detail;
  std::int64_t at_ms = 0;  // when it became a dead letter
};

}  // namespace ozgbus::broker
