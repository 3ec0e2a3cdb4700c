#include "broker/store/postgres/pg_cluster.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <random>

#include "broker/store/postgres/pg_reader.h"

namespace ozgbus::broker {
namespace {

// This run of the node: its leases are its own, not those an earlier run (killed) left.
std::string incarnationOf(const std::string& node) {
  std::random_device random;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", random(), random());
  return node + "/" + hex;
}

constexpr const char* kDropLeases = "lease_node = NULL, lease_until = NULL";

}  // namespace

struct PgClusterLink::Statements {
  using Results = pg::Statement::Results;
  explicit Statements(PGconn* c)
      // Rows another transaction holds (a commit settling them) are skipped, not waited for.
      : claim(c, "claim",
              "WITH c AS (SELECT id FROM messages WHERE queue = $1::text AND state = 0"
              " AND (lease_until IS NULL OR lease_until < clock_timestamp())"
              " ORDER BY id LIMIT $2::bigint FOR UPDATE SKIP LOCKED),"
              " u AS (UPDATE messages m SET lease_node = $3::text, lease_until ="
              " clock_timestamp() + $4::bigint * interval '1 millisecond' FROM c WHERE m.id = c.id"
              " RETURNING m.id, m.uuid, m.author, m.sender, m.reader, m.message_type,"
              " m.received_at_ms, m.attempts)"
              " SELECT u.*, p.body, p.original, p.digest FROM u LEFT JOIN payloads p"
              " ON p.id = u.id ORDER BY u.id",
              Results::kBinary),
        release(c, "release",
                std::string("UPDATE messages SET ")
                    .append(kDropLeases)
                    .append(" WHERE id = ANY($1::bigint[]) AND lease_node = $2::text")
                    .c_str()),
        renew(c, "renew",
              "UPDATE messages SET lease_until = clock_timestamp() + $2::bigint * interval"
              " '1 millisecond' WHERE id = ANY($3::bigint[]) AND lease_node = $1::text"
              " AND state = 0"),
        seen(c, "seen",
             "INSERT INTO nodes(name, incarnation, listen, started_at, seen_at)"
             " VALUES($1::text, $2::text, $3::text, clock_timestamp(), clock_timestamp())"
             " ON CONFLICT (name) DO UPDATE SET listen = excluded.listen,"
             " seen_at = excluded.seen_at, left_at = NULL,"
             " started_at = CASE WHEN nodes.incarnation = excluded.incarnation"
             " THEN nodes.started_at ELSE excluded.started_at END,"
             " incarnation = excluded.incarnation"),
        // Through no index; once, when a node starts.
        releaseEarlier(c, "release_earlier",
                       std::string("UPDATE messages SET ")
                           .append(kDropLeases)
                           .append(" WHERE state = 0 AND split_part(lease_node, '/', 1) = $1::text"
                                   " AND lease_node <> $2::text")
                           .c_str()),
        releaseAll(c, "release_all",
                   std::string("UPDATE messages SET ")
                       .append(kDropLeases)
                       .append(" WHERE lease_node = $1::text AND state = 0")
                       .c_str()),
        left(c, "left",
             "UPDATE nodes SET left_at = clock_timestamp() WHERE name = $1::text"
             " AND incarnation = $2::text"),
        nodes(c, "nodes",
              "SELECT name, listen, left_at IS NOT NULL,"
              " (extract(epoch FROM clock_timestamp() - seen_at) * 1000)::bigint, incarnation"
              " FROM nodes ORDER BY name") {}

  pg::Statement claim, release, renew, seen, releaseEarlier, releaseAll, left, nodes;
};

PgClusterLink::~PgClusterLink() = default;

Result<std::unique_ptr<ClusterLink>> PgClusterLink::open(const PgOptions& options,
                                                         std::chrono::milliseconds lease,
                                                         const std::string& listen) {
  std::unique_ptr<PgClusterLink> l(new PgClusterLink());
  l->options_ = options;
  l->node_ = options.node;
  l->incarnation_ = incarnationOf(options.node);
  l->listen_ = listen;
  l->lease_ms_ = lease.count();
  try {
    l->connect();
    const pg::Rows back =
        l->st_->releaseEarlier.run(pg::Params().text(l->node_).text(l->incarnation_));
    if (back.affected() > 0) {
      spdlog::info("cluster node {}: {} deliveries its earlier run held go back to the queues",
                   l->node_, back.affected());
    }
  } catch (const std::exception& e) {
    return reject(v1::STORE_FAILED, std::string("cannot join the cluster: ") + e.what());
  }
  if (auto r = l->heartbeat({})) return *r;
  spdlog::info("cluster node {} joined on {} (lease {} ms)", l->node_, l->where_, l->lease_ms_);
  return std::unique_ptr<ClusterLink>(std::move(l));
}

void PgClusterLink::connect() {
  conn_ = pg::connect(options_.url, options_.password);
  where_ = pg::describe(conn_.get());
  pg::exec(conn_.get(), "SET synchronous_commit = off");
  pg::exec(conn_.get(), "LISTEN ozgbus");
  st_ = std::make_unique<Statements>(conn_.get());
}

void PgClusterLink::reconnectIfLost() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return;
  st_.reset();
  lost_ = true;  // notifications sent meanwhile are gone
  pg::reset(conn_.get());
  pg::exec(conn_.get(), "SET synchronous_commit = off");
  pg::exec(conn_.get(), "LISTEN ozgbus");
  st_ = std::make_unique<Statements>(conn_.get());
  spdlog::info("cluster node {}: connected to {} again", node_, where_);
}

Rejection PgClusterLink::failed(const std::exception& e) const {
  return reject(v1::STORE_FAILED, "cluster node " + node_ + " on " + where_ + ": " + e.what());
}

Result<std::vector<QueuedMessage>> PgClusterLink::claim(const std::string& queue,
                                                        std::size_t limit) {
  try {
    reconnectIfLost();
    const pg::Rows rows = st_->claim.run(
        pg::Params().text(queue).integer(pg::clamped(limit)).text(incarnation_).integer(lease_ms_));
    return pg::queuedRows(rows, queue);
  } catch (const std::exception& e) {
    return failed(e);
  }
}

std::optional<Rejection> PgClusterLink::release(const std::vector<std::uint64_t>& ids) {
  if (ids.empty()) return std::nullopt;
  try {
    reconnectIfLost();
    st_->release.run(pg::Params().ids(ids).text(incarnation_));
  } catch (const std::exception& e) {
    return failed(e);  // the leases run out by themselves
  }
  return std::nullopt;
}

std::optional<Rejection> PgClusterLink::heartbeat(const std::vector<std::uint64_t>& held) {
  try {
    reconnectIfLost();
    st_->renew.run(pg::Params().text(incarnation_).integer(lease_ms_).ids(held));
    st_->seen.run(pg::Params().text(node_).text(incarnation_).text(listen_));
  } catch (const std::exception& e) {
    return failed(e);
  }
  return std::nullopt;
}

Result<std::vector<ClusterNode>> PgClusterLink::nodes() {
  try {
    reconnectIfLost();
    const pg::Rows rows = st_->nodes.run(pg::Params());
    std::vector<ClusterNode> out;
    for (int i = 0; i < rows.size(); ++i) {
      ClusterNode n;
      n.name = rows.text(i, 0);
      n.listen = rows.text(i, 1);
      n.left = rows.text(i, 2) == "t";
      n.seen_ms_ago = rows.integer(i, 3);
      n.alive = !n.left && n.seen_ms_ago < lease_ms_;
      n.this_node = rows.text(i, 4) == incarnation_;
      out.push_back(std::move(n));
    }
    return out;
  } catch (const std::exception& e) {
    return failed(e);
  }
}

int PgClusterLink::socket() const {
  return conn_ && PQstatus(conn_.get()) == CONNECTION_OK ? PQsocket(conn_.get()) : -1;
}

ClusterNews PgClusterLink::news(bool readable) {
  ClusterNews n;
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    n.lost = lost_;
    lost_ = false;
    return n;
  }
  // A broken connection shows at the next statement.
  if (readable) PQconsumeInput(conn_.get());
  while (PGnotify* raw = PQnotifies(conn_.get())) {
    const std::unique_ptr<PGnotify, pg::MemFreer> notice(raw);
    const std::string_view extra(notice->extra);
    if (extra.starts_with("q:")) n.queues.emplace_back(extra.substr(2));
    if (extra.starts_with("r:")) n.portals.emplace_back(extra.substr(2));
  }
  n.lost = lost_;
  lost_ = false;
  return n;
}

void PgClusterLink::leave() {
  try {
    reconnectIfLost();
    const pg::Rows back = st_->releaseAll.run(pg::Params().text(incarnation_));
    st_->left.run(pg::Params().text(node_).text(incarnation_));
    spdlog::info("cluster node {} left; {} deliveries it held went back to the queues", node_,
                 back.affected());
  } catch (const std::exception& e) {
    spdlog::warn("cluster node {} could not say it left ({}): its leases run out by themselves",
                 node_, e.what());
  }
}

}  // namespace ozgbus::broker
