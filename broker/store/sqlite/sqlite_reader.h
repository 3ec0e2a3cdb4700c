// SqliteReader: a StoreReader on its own read-only connection to the store file. Used by one
// thread at a time; with the store's duplicate index (shared, read under its lock) a trace is
// found without scanning the messages, without it (a file no broker of this process has open)
// by a scan.
#pragma once

#include <filesystem>
#include <memory>

#include "broker/store/sqlite/sqlite_handle.h"
#include "broker/store/store.h"

namespace ozgbus::broker {

struct SharedDedupeIndex;

class SqliteReader final : public StoreReader {
 public:
  static Result<std::unique_ptr<StoreReader>> open(const std::filesystem::path& file,
                                                   std::shared_ptr<const SharedDedupeIndex> index);
  ~SqliteReader() override;

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
  SqliteReader() = default;
  Rejection failed(const std::exception& e) const;

  std::filesystem::path file_;
  sqlite::Db db_;
  std::unique_ptr<Statements> st_;
  std::shared_ptr<const SharedDedupeIndex> index_;
};

}  // namespace ozgbus::broker
