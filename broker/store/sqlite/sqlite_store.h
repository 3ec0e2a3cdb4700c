// SqliteStore: the embedded default Store — one SQLite file in WAL mode, group commits with
// synchronous=FULL (each commit is on disk before apply() returns). Thread-safety as Store:
// apply() from the writer thread; reader() from any thread, each reader its own connection; a
// third, internal thread checkpoints the WAL into the database file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "broker/audit/audit_chain.h"
#include "broker/store/dedupe_index.h"
#include "broker/store/sqlite/sqlite_handle.h"
#include "broker/store/sqlite/store_anchor.h"
#include "broker/store/store.h"

namespace ozgbus::broker {

// The duplicate index, shared by the writer (which changes it) and the readers (which find a
// message's rows by UUID through it).
struct SharedDedupeIndex {
  mutable std::shared_mutex mu;
  DedupeIndex index;
};

struct SqliteOptions {
  bool fsync = true;  // false only for throwaway test data
  // Past this size the write-ahead log is restarted (see checkpointLoop).
  std::uint64_t wal_restart_bytes = 64ull << 20;
  // The store holds less than its anchor says it committed: go on anyway (the operator has
  // seen what is missing); otherwise open() refuses.
  bool accept_loss = false;
  // SQLite's quick_check at open (reads every page once; its time is logged). Damage it finds is
  // logged as an error; the broker starts, and never delivers a damaged message.
  bool check_at_open = true;
};

class SqliteStore final : public Store {
 public:
  // Creates the file and schema if needed, and checks the store against its anchor
  // (<file>.anchor): a store that lost committed changes is refused, naming what is missing.
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file,
                                                   const SqliteOptions& options);
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file, bool fsync) {
    return open(file, SqliteOptions{fsync});
  }
  ~SqliteStore() override;

  CommitOutcome apply(std::vector<StoreOp>& ops) override;
  Result<std::unique_ptr<StoreReader>> reader() const override;
  std::optional<std::uint64_t> journalBytes() const override { return wal_bytes_.load(); }

 private:
  struct Statements;
  SqliteStore() = default;
  void applyOne(StoreOp& op, CommitOutcome& out);
  void applyInsert(InsertOp& ins, CommitOutcome& out);
  void applyReplay(InsertOp& ins, CommitOutcome& out);
  void applySettle(const SettleOp& st, CommitOutcome& out);
  void applyPurge(const PurgeOp& p, CommitOutcome& out);
  std::optional<std::pair<std::string, std::string>> keyOf(std::uint64_t id);  // author, uuid
  void checkpointLoop();
  void loadDedupeIndex();
  void quickCheck();
  // Why the store does not hold what its anchor says was committed; empty when it does.
  std::optional<std::string> lostSince(const AuditTip& anchored, const AuditTip& tip);
  void audit(std::int64_t at_ms, const char* event, const std::string& uuid,
             const std::string& participant, const std::string& detail);

  std::filesystem::path file_;
  sqlite::Db writer_;
  sqlite::Db checkpoint_db_;
  std::unique_ptr<Statements> st_;
  std::shared_ptr<SharedDedupeIndex> dedupe_;                   // changed by the writer thread only
  std::uint64_t next_receipt_seq_ = 1;                          // writer thread only
  std::vector<std::pair<std::uint64_t, std::uint64_t>> added_;  // this batch, undone on rollback
  std::vector<std::pair<std::uint64_t, std::uint64_t>> purged_;  // this batch, forgotten on commit
  std::unique_ptr<AuditChain> audit_;                            // writer thread only
  std::uint64_t wal_restart_bytes_ = 0;
  bool opened_ = false;
  std::unique_ptr<StoreAnchor> anchor_;  // written by the checkpointer thread (and open, close)
  std::mutex tip_mu_;
  AuditTip committed_tip_;                   // the chain's tip after the last commit, under tip_mu_
  std::atomic<std::uint64_t> wal_bytes_{0};  // as the checkpointer last saw it
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;
  std::thread checkpointer_;
};

// A reader of a store file that no SqliteStore of this process has open (the CLI's audit
// commands): read-only, never creates anything. NOT_FOUND-like failures name the file.
Result<std::unique_ptr<StoreReader>> openSqliteReader(const std::filesystem::path& file);

}  // namespace ozgbus::broker
