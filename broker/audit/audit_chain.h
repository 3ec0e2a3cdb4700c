// The audit log's hash chain: entries that say what the bus accepted, delivered and receipted,
// each carrying the hash of the one before it, so that an edited, removed, reordered or inserted
// entry shows up when the chain is walked again (verifyChain).
//
// What the chain proves, and what it does not:
//  - It has no secret. Whoever can write the database can change an entry and recompute the
//    hashes of it and of every entry after it; the rewritten chain then verifies. The chain
//    catches corruption and edits that do not bother to do that; against a deliberate rewrite
//    only an anchor helps: a (seq, hash) pair noted earlier somewhere the writer cannot reach
//    (a ticket, a print-out, another system). Every entry up to the anchor is then fixed.
//  - Removing the last entries leaves a shorter chain that is still intact. Only an anchor past
//    the new end shows it. Entries after the newest anchor are only as good as the database.
//  - It records what the broker wrote, in the same transaction as the change it describes; it
//    cannot prove that the broker told the truth.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ozgbus::broker {

// The names in the event column.
namespace audit_event {
inline constexpr const char* kAccepted = "accepted";
inline constexpr const char* kDelivered = "delivered";
inline constexpr const char* kRejected = "rejected";  // by the receiving back-end
inline constexpr const char* kDeadLettered = "dead_lettered";
inline constexpr const char* kReceiptAcknowledged = "receipt_acknowledged";
inline constexpr const char* kReplayed = "replayed";
inline constexpr const char* kDiscarded = "discarded";
inline constexpr const char* kPurged = "purged";  // retention removed settled messages (no uuid)
}  // namespace audit_event

// prev_hash of entry 1: 64 zeros.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEntry {
  std::uint64_t seq = 0;  // 1, 2, 3, ... without gaps
  std::int64_t at_ms = 0;
  std::string event;
  std::string message_uuid;
  std::string participant;
  std::string detail;
  std::string prev_hash;  // hex SHA-256 of the previous entry; kAuditGenesisHash for seq 1
  std::string hash;       // entryHash(*this)
};

// A point in the chain: the last entry's seq and hash (seq 0 and the genesis hash for an empty
// log). The chain tip at start-up, and the anchor an operator notes to check against later.
struct AuditTip {
  std::uint64_t seq = 0;
  std::string hash = std::string(kAuditGenesisHash);
};

// The bytes entryHash hashes, so that other tools can recompute it:
//   field("ozgbus-audit-v1") u64(seq) u64(at_ms as two's complement)
//   field(event) field(message_uuid) field(participant) field(detail) field(prev_hash)
// where u64 is 8 bytes big-endian and field(s) is u64(byte length of s) followed by s.
// Every string is length-prefixed, so no two different entries encode alike ("ab"+"c" is not
// "a"+"bc"). Changing this encoding makes every stored log fail verification.
std::string canonicalEncoding(const AuditEntry& e);

// Lower-case hex SHA-256 of canonicalEncoding(e); e.hash itself is not covered.
std::string entryHash(const AuditEntry& e);

// Hands out the next entries of the chain. The store's writer thread owns it (not thread-safe):
// it takes a mark() before a transaction, calls append() for each change it records and inserts
// the returned entries in that transaction; if the transaction fails it calls rollback(mark), so
// the next append follows the last entry that is really in the database.
class AuditChain {
 public:
  struct Mark {
    std::uint64_t seq = 0;
    std::string hash;
  };

  // The tip as loaded from the database (loadAuditTip): 0 and the genesis hash when empty.
  // Throws std::invalid_argument when last_hash is not 64 lower-case hex digits.
  explicit AuditChain(std::uint64_t last_seq = 0,
                      std::string last_hash = std::string(kAuditGenesisHash));

  AuditEntry append(std::int64_t at_ms, std::string event, std::string uuid,
                    std::string participant, std::string detail);

  Mark mark() const { return {last_seq_, last_hash_}; }
  // Back to a mark taken earlier on this chain; entries appended since are forgotten.
  void rollback(Mark m);

  std::uint64_t lastSeq() const { return last_seq_; }
  const std::string& lastHash() const { return last_hash_; }

 private:
  std::uint64_t last_seq_;
  std::string last_hash_;
};

struct AuditVerdict {
  bool ok = true;
  std::uint64_t entries = 0;        // entries found sound before the first problem (all, if ok)
  std::uint64_t first_bad_seq = 0;  // where the log stops being what was written; 0 if ok
  std::string problem;              // one sentence naming what is wrong; empty if ok
  std::uint64_t last_seq = 0;       // the last sound entry: note (last_seq, last_hash) as an
  std::string last_hash = std::string(kAuditGenesisHash);  // anchor for later checks
};

// Pulls the next entry in ascending seq order into `out`; false when there are no more.
using AuditSource = std::function<bool(AuditEntry& out)>;

// Walks the entries one by one (memory does not grow with the log) and stops at the first
// problem, in seq order: a seq gap ("entry 17 is missing"), a log not starting at 1 ("entries
// before 5 were removed"), an entry whose hash does not match its content ("entry 17 was
// changed"), a prev_hash that is not the previous entry's hash. With an anchor it also reports
// an entry anchor.seq whose hash differs from the anchor's, and a log that ends before
// anchor.seq. An anchor with seq 0 names the empty log and says nothing.
AuditVerdict verifyChain(const AuditSource& next, const std::optional<AuditTip>& anchor = {});

}  // namespace ozgbus::broker
