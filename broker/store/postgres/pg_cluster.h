// PgClusterLink: the ClusterLink of a node on a PostgreSQL store. Leases are two columns of the
// message (messages.lease_node, lease_until) on the database's clock, claimed with
// FOR UPDATE SKIP LOCKED so that two nodes never claim one message; news arrives by
// LISTEN ozgbus (PgStore notifies at COMMIT). Lease changes are not made durable one by one
// (synchronous_commit off on this connection): a lease lost with a server crash only lets a
// message be delivered once more, never lost.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "broker/store/cluster_link.h"
#include "broker/store/postgres/pg_handle.h"
#include "broker/store/postgres/pg_store.h"

namespace ozgbus::broker {

class PgClusterLink final : public ClusterLink {
 public:
  // Joins the cluster as `options.node`: the leases an earlier run of this node left go back at
  // once (the node's lock, held by its store, says that run is over).
  static Result<std::unique_ptr<ClusterLink>> open(const PgOptions& options,
                                                   std::chrono::milliseconds lease,
                                                   const std::string& listen);
  ~PgClusterLink() override;

  const std::string& node() const override { return node_; }
  Result<std::vector<QueuedMessage>> claim(const std::string& queue, std::size_t limit) override;
  std::optional<Rejection> release(const std::vector<std::uint64_t>& ids) override;
  std::optional<Rejection> heartbeat(const std::vector<std::uint64_t>& held) override;
  Result<std::vector<ClusterNode>> nodes() override;
  int socket() const override;
  ClusterNews news(bool readable) override;
  void leave() override;

 private:
  struct Statements;
  PgClusterLink() = default;
  void connect();
  void reconnectIfLost();
  Rejection failed(const std::exception& e) const;

  PgOptions options_;
  std::string node_, incarnation_, listen_, where_;
  std::int64_t lease_ms_ = 30000;
  pg::PgConn conn_;
  std::unique_ptr<Statements> st_;
  bool lost_ = false;  // reconnected since the last news()
};

}  // namespace ozgbus::broker
