// PgStore: the Store on a PostgreSQL database — one transaction per group commit, with
// synchronous_commit on (each commit is durable before apply() returns). Duplicates are found
// by the database's unique key, not an index in memory; there is no anchor file (the audit
// chain is checked as it stands). One broker per database, or several nodes of a cluster: the
// writer's session holds an advisory lock (exclusive for the one broker, shared for nodes, and
// one per node name), as SQLite's store has its lock file. Nodes append to one audit chain:
// each commit ends under a transaction lock, reads the chain's tip, numbers the receipts it
// made (so receipts become visible in their order) and notifies the other nodes (pg_notify)
// of the queues and portals it gave work to. Thread-safety as Store: apply() from the writer
// thread; reader() from any thread, each reader on its own connection.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/audit/audit_chain.h"
#include "broker/store/postgres/pg_handle.h"
#include "broker/store/store.h"

namespace ozgbus::broker {

struct PgOptions {
  // libpq's connection URI or "key=value" string (postgresql://ozgbus@db/ozgbus); empty: libpq's
  // environment (PGHOST, PGDATABASE, ...).
  std::string url;
  // Overrides the URL's; empty: the URL's, PGPASSWORD or ~/.pgpass.
  std::string password;
  // [cluster] node: this broker is one of several on the database (empty: the only one).
  std::string node;
};

class PgStore final : public Store {
 public:
  using PgOptions = broker::PgOptions;

  // Connects, creates the schema if needed and refuses a database of a newer schema version,
  // naming both versions.
  static Result<std::unique_ptr<PgStore>> open(const PgOptions& options);
  ~PgStore() override;

  CommitOutcome apply(std::vector<StoreOp>& ops) override;
  Result<std::unique_ptr<StoreReader>> reader() const override;

 private:
  struct Statements;
  PgStore() = default;
  void reconnectIfLost();
  void begin();
  void loadAuditTip();
  void applyAll(std::vector<StoreOp>& ops, CommitOutcome& out);
  void applyReplay(InsertOp& ins, CommitOutcome& out);
  // pg_batches.cpp: each kind of operation of a commit in one statement.
  void insertBatch(std::vector<InsertOp*>& batch, CommitOutcome& out);
  void settleBatch(const std::vector<const SettleOp*>& batch, CommitOutcome& out);
  void attemptBatch(const std::vector<const AttemptOp*>& batch);
  void receiptAckBatch(const std::vector<const ReceiptAckOp*>& batch);
  void applyDiscard(const DiscardOp& d, CommitOutcome& out);
  void applyPurge(const PurgeOp& p, CommitOutcome& out);
  void audit(std::int64_t at_ms, const char* event, const std::string& uuid,
             const std::string& participant, const std::string& detail);
  // The end of every transaction before COMMIT: the cluster's part, then the audit entries.
  void finishCommit(CommitOutcome& out, std::optional<AuditChain::Mark>& audit_before);
  void takeClusterTurn(CommitOutcome& out);
  bool cluster() const { return !options_.node.empty(); }

  PgOptions options_;
  std::string where_;  // the database, for messages
  pg::PgConn conn_;
  std::unique_ptr<Statements> st_;     // prepared on conn_'s current session
  std::unique_ptr<AuditChain> audit_;  // writer thread only
  struct PendingAudit {
    std::int64_t at_ms;
    const char* event;
    std::string uuid, participant, detail;
  };
  std::vector<PendingAudit> audit_rows_;  // this transaction's entries, chained before COMMIT
  std::vector<std::string> notices_;      // cluster: "q:<queue>", "r:<portal>" to tell at COMMIT
  bool locked_ = false;                   // this session holds the one-writer-per-database lock
  bool audit_stale_ = false;  // after a reconnect: the chain's tip is read again before use
};

}  // namespace ozgbus::broker
