// SqliteStore: the embedded default Store — one SQLite file in WAL mode, group commits with
// synchronous=FULL (each commit is on disk before apply() returns). Thread-safety as Store:
// apply() from the writer thread, the readers from one other thread; each has a connection,
// and a third, internal thread checkpoints the WAL into the database file.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "broker/audit/audit_chain.h"
#include "broker/store/dedupe_index.h"
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
  std::vector<ReceiptRecord> loadReceipts(const std::string& recipient, std::uint64_t after_seq,
                                          std::size_t limit) override;
  std::vector<QueueCounts> queueCounts() override;
  std::vector<std::pair<std::string, std::uint64_t>> pendingReceipts() override;
  std::optional<StoredMessage> loadMessage(std::uint64_t id) override;
  std::vector<std::uint64_t> candidatesFor(std::string_view uuid) const override;

 private:
  struct Statements;
  SqliteStore() = default;
  void applyOne(StoreOp& op, CommitOutcome& out);
  void applyReplay(InsertOp& ins, CommitOutcome& out);
  void applyPurge(const PurgeOp& p, CommitOutcome& out);
  std::optional<std::pair<std::string, std::string>> keyOf(std::uint64_t id);  // author, uuid
  void checkpointLoop();
  void loadDedupeIndex();

  sqlite::Db writer_;
  sqlite::Db reader_;
  sqlite::Db checkpoint_db_;
  std::unique_ptr<Statements> st_;
  DedupeIndex dedupe_;  // changed by the writer thread only, under dedupe_mu_
  mutable std::shared_mutex dedupe_mu_;  // the writer's own lookups need no lock
  std::uint64_t next_receipt_seq_ = 1;                     // writer thread only
  std::vector<std::pair<std::uint64_t, std::uint64_t>> added_;  // this batch, undone on rollback
  std::vector<std::pair<std::uint64_t, std::uint64_t>> purged_;  // this batch, forgotten on commit
  std::unique_ptr<AuditChain> audit_;                      // writer thread only
  void audit(std::int64_t at_ms, const char* event, const std::string& uuid,
             const std::string& participant, const std::string& detail);
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace ozgbus::broker
