// Store: the broker's durable state — queues, receipts, dead letters, the duplicate index, the
// messages' traces and the hash-chained audit log. Everything the broker and its admin API read
// or write goes through this interface; no SQL lives outside broker/store/.
// Thread-safety: apply() is called by one writer thread only (the group committer). reader() may
// be called from any thread; each StoreReader it returns is then used by one thread at a time
// and must not outlive the Store. Failures are values: a commit that fails says so in its
// CommitOutcome, a read that fails returns a Rejection (STORE_FAILED, naming what failed).
// SqliteStore is the embedded default; another engine implements the same interface and passes
// the same contract tests (tests/unit/store_contract_test.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/audit/audit_chain.h"
#include "broker/store/records.h"
#include "core/result.h"

namespace ozgbus::broker {

// What a full check of a store found (ozgbus-broker --check).
struct StoreCheck {
  std::uint64_t messages = 0;         // stored documents looked at
  std::vector<std::string> problems;  // one sentence each; empty: sound
};

class StoreReader {
 public:
  virtual ~StoreReader() = default;

  // Queued messages of one queue with id > after_id, oldest first, at most limit, with their
  // documents.
  virtual Result<std::vector<QueuedMessage>> loadQueued(const std::string& queue,
                                                        std::uint64_t after_id,
                                                        std::size_t limit) = 0;
  // Unacknowledged receipts for one participant with seq > after_seq, in the order made.
  virtual Result<std::vector<ReceiptRecord>> loadReceipts(const std::string& recipient,
                                                          std::uint64_t after_seq,
                                                          std::size_t limit) = 0;
  // Per queue: messages waiting (in flight included) and dead letters.
  virtual Result<std::vector<QueueCounts>> queueCounts() = 0;
  // Participants with unacknowledged receipts, and how many each.
  virtual Result<std::vector<std::pair<std::string, std::uint64_t>>> pendingReceipts() = 0;
  // One message by store id, with its documents while they are kept (dead letters keep them);
  // empty when there is no such message.
  virtual Result<std::optional<StoredMessage>> loadMessage(std::uint64_t id) = 0;
  // Every stored message with this UUID (any author, any letter case), with its trace.
  virtual Result<std::vector<MessageTrace>> traces(std::string_view uuid) = 0;
  // Dead letters, newest first, at most limit.
  virtual Result<std::vector<DeadLetter>> deadLetters(std::size_t limit) = 0;

  // Everything: the engine's own consistency check, every stored document against its digest,
  // the audit chain (against the store's anchor, where it has one). Slow: reads the whole store.
  virtual Result<StoreCheck> check() = 0;

  // The audit log: its chain walked and checked (against an anchor noted earlier, if given).
  virtual Result<AuditVerdict> verifyAudit(const std::optional<AuditTip>& anchor) = 0;
  // Entries in seq order; only those of one message, only the last `last` of them.
  virtual std::optional<Rejection> readAudit(
      const std::optional<std::string>& uuid, std::optional<std::uint64_t> last,
      const std::function<void(const AuditEntry&)>& each) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies all operations in one transaction and makes it durable before returning.
  // Inserts of an (author, uuid) stored before come back as duplicates and are not stored again.
  virtual CommitOutcome apply(std::vector<StoreOp>& ops) = 0;

  // A reader for the calling thread (its own connection).
  virtual Result<std::unique_ptr<StoreReader>> reader() const = 0;

  // Bytes in the engine's own journal that this process can see (SQLite's write-ahead log);
  // empty where the engine keeps it elsewhere. Any thread.
  virtual std::optional<std::uint64_t> journalBytes() const { return std::nullopt; }
};

}  // namespace ozgbus::broker
