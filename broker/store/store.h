// Store: durable queues, receipts, dead letters and the dedupe index.
// Thread-safety: apply() is called by one writer thread only; the load*/count* readers by one
// other thread (the transport's); an implementation gives each side its own connection.
// SqliteStore is the embedded default; a PostgreSQL store implements the same interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/store/records.h"

namespace ozgbus::broker {

class Store {
 public:
  virtual ~Store() = default;

  // Applies all operations in one transaction and makes it durable before returning.
  // Inserts of an (author, uuid) stored before come back as duplicates and are not stored again.
  virtual CommitOutcome apply(std::vector<StoreOp>& ops) = 0;

  // Queued messages of one queue with id > after_id, oldest first, at most limit.
  virtual std::vector<QueuedMessage> loadQueued(const std::string& queue, std::uint64_t after_id,
                                                std::size_t limit) = 0;
  // Unacknowledged receipts for one participant with seq > after_seq, in the order made.
  virtual std::vector<ReceiptRecord> loadReceipts(const std::string& recipient,
                                                  std::uint64_t after_seq, std::size_t limit) = 0;
  virtual std::vector<QueueCounts> queueCounts() = 0;
  // Participants with unacknowledged receipts, and how many each.
  virtual std::vector<std::pair<std::string, std::uint64_t>> pendingReceipts() = 0;
  // One message by store id, with its documents while they are kept (dead letters keep them).
  virtual std::optional<StoredMessage> loadMessage(std::uint64_t id) = 0;
  // Row ids that may hold this message UUID (any author, any letter case), ascending: the
  // caller confirms each against its row. Any thread may call it.
  virtual std::vector<std::uint64_t> candidatesFor(std::string_view uuid) const = 0;
};

}  // namespace ozgbus::broker
