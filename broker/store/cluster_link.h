// ClusterLink: what a node needs beside its Store when several brokers ("nodes") share one
// store ([cluster] node): which of them delivers which message, what the others committed, and
// who is alive. A queued message is delivered by the node that claimed it, under a lease the
// node renews while it runs; a node that dies loses its leases when they run out, and another
// node claims the messages. Nodes tell each other of new work through the store (news()), and
// each also looks by itself every [cluster] poll_ms, so that a lost notification delays work
// and loses none. Not thread-safe: the transport thread's, on a connection of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/store/records.h"
#include "core/result.h"

namespace ozgbus::broker {

struct ClusterNode {
  std::string name;
  std::string listen;
  bool alive = false;  // renewed its leases within a lease; not stopped
  bool left = false;   // stopped in good order
  std::int64_t seen_ms_ago = 0;
  bool this_node = false;
};

// What other nodes (and this one) committed since the last look.
struct ClusterNews {
  std::vector<std::string> queues;   // with new queued messages
  std::vector<std::string> portals;  // with new receipts
  bool lost = false;  // the connection was lost meanwhile: anything may have happened
};

class ClusterLink {
 public:
  virtual ~ClusterLink() = default;

  virtual const std::string& node() const = 0;
  // Up to limit queued messages of the queue, oldest first, that no node holds a live lease on
  // (an expired one of this node's too: the caller skips what it still holds); this node's now.
  // Rows that fail their digest come back with damage set.
  virtual Result<std::vector<QueuedMessage>> claim(const std::string& queue, std::size_t limit) = 0;
  // Leases given up (this node has no consumer for them any more): others may claim them now.
  virtual std::optional<Rejection> release(const std::vector<std::uint64_t>& ids) = 0;
  // Renews the leases on `held` (what this node has in memory or in flight; a lease it took
  // and lost track of runs out) and notes the node alive; every lease/3.
  virtual std::optional<Rejection> heartbeat(const std::vector<std::uint64_t>& held) = 0;
  virtual Result<std::vector<ClusterNode>> nodes() = 0;
  // A file descriptor that becomes readable when news may have come (-1 while disconnected).
  virtual int socket() const = 0;
  // readable: socket() polled readable, so there is input to read first; else only what
  // arrived with the answers to earlier statements.
  virtual ClusterNews news(bool readable) = 0;
  // Stopping in good order: every lease given up, the node noted as left.
  virtual void leave() = 0;
};

}  // namespace ozgbus::broker
