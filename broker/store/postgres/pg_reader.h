// PgReader: a StoreReader on its own connection to the store's database, in read-only
// transactions. Used by one thread at a time. A connection the server or network dropped is
// opened again (once) at the next read.
#pragma once

#include <memory>
#include <string>

#include "broker/store/postgres/pg_handle.h"
#include "broker/store/postgres/pg_store.h"
#include "broker/store/store.h"

namespace ozgbus::broker {
namespace pg {

// A queued message as delivery takes it, never without its document, never unchecked: from a
// row of columns id, uuid, author, sender, reader, message_type, received_at_ms, attempts,
// body, original, digest (binary results); a row that fails its digest comes back with damage.
QueuedMessage queuedAt(const Rows& r, int row);
// Every row so, of one queue.
std::vector<QueuedMessage> queuedRows(const Rows& rows, const std::string& queue);

}  // namespace pg

class PgReader final : public StoreReader {
 public:
  static Result<std::unique_ptr<StoreReader>> open(const PgOptions& options);
  ~PgReader() override;

  Result<std::vector<QueuedMessage>> loadQueued(const std::string& queue, std::uint64_t after_id,
                                                std::size_t limit) override;
  Result<std::vector<ReceiptRecord>> loadReceipts(const std::string& recipient,
                                                  std::uint64_t after_seq,
                                                  std::size_t limit) override;
  Result<std::vector<QueueCounts>> queueCounts() override;
  Result<std::vector<std::pair<std::string, std::uint64_t>>> pendingReceipts() override;
  Result<std::optional<StoredMessage>> loadMessage(std::uint64_t id) override;
  Result<std::vector<MessageTrace>> traces(std::string_view uuid) override;
  Result<std::vector<DeadLetter>> deadLetters(std::size_t limit) override;
  Result<StoreCheck> check() override;
  Result<AuditVerdict> verifyAudit(const std::optional<AuditTip>& anchor) override;
  std::optional<Rejection> readAudit(const std::optional<std::string>& uuid,
                                     std::optional<std::uint64_t> last,
                                     const std::function<void(const AuditEntry&)>& each) override;

 private:
  struct Statements;
  PgReader() = default;
  void reconnectIfLost();
  Result<std::vector<QueuedMessage>> loadQueuedRowByRow(const std::string& queue,
                                                        std::uint64_t after_id, std::size_t limit);
  Rejection failed(const std::exception& e) const;

  std::string where_;  // the database, for messages
  pg::PgConn conn_;
  std::unique_ptr<Statements> st_;  // prepared on conn_'s current session
};

}  // namespace ozgbus::broker
