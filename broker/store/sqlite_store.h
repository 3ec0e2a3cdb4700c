// SqliteStore: the embedded default Store — one SQLite file in WAL mode, group commits with
// synchronous=FULL (each commit is on disk before apply() returns). Thread-safety as Store:
// apply() from the writer thread, the readers from one other thread; each has a connection.
#pragma once

#include <filesystem>
#include <memory>

#include "broker/store/sqlite_handle.h"
#include "broker/store/store.h"

namespace ozgbus::broker {

class SqliteStore final : public Store {
 public:
  // Creates the file and schema if needed. fsync=false is for throwaway test data only.
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file, bool fsync);
  ~SqliteStore() override;

  CommitOutcome apply(std::vector<StoreOp>& ops) override;
  std::vector<QueuedMessage> loadQueued(const std::string& queue, std::uint64_t after_id,
                                        std::size_t limit) override;
  std::vector<ReceiptRecord> loadReceipts(const std::string& recipient, std::uint64_t after_id,
                                          std::size_t limit) override;
  std::vector<QueueCounts> queueCounts() override;
  std::vector<std::pair<std::string, std::uint64_t>> pendingReceipts() override;

 private:
  struct Statements;
  SqliteStore() = default;
  void applyOne(StoreOp& op, CommitOutcome& out);

  sqlite::Db writer_;
  sqlite::Db reader_;
  std::unique_ptr<Statements> st_;
};

}  // namespace ozgbus::broker
