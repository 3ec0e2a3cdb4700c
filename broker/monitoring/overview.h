// Overview: what the transport thread publishes about itself a few times a second (queues,
// participants, totals, recent rejections), for the admin API, the dashboard and the computed
// gauges of /metrics. Immutable once published; readers keep the snapshot they took.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/util/snapshot.h"

namespace ozgbus::broker {

inline constexpr std::size_t kRecentRejections = 50;  // kept for the dashboard and the trace API

struct Overview {
  struct Queue {
    std::string name;
    std::uint64_t depth = 0, in_flight = 0, dead_letters = 0;
    std::uint32_t consumers = 0;
    std::int64_t oldest_received_ms = 0;  // 0: empty
  };
  struct Participant {
    std::string id;
    std::string role;  // portal, backend, observer, peer
    std::int64_t connected_at_ms = 0;
  };
  struct Node {  // of a cluster; see ClusterNode
    std::string name, listen;
    bool alive = false, left = false, this_node = false;
    std::int64_t seen_ms_ago = 0;
  };
  struct Rejection {
    std::int64_t at_ms = 0;
    std::string message_uuid, sender, reason, detail;
  };
  std::int64_t started_at_ms = 0, now_ms = 0;
  std::uint64_t submitted = 0, accepted = 0, rejected = 0, delivered = 0, redelivered = 0,
                dead_lettered = 0;
  std::vector<Queue> queues;
  std::vector<Participant> participants;
  std::deque<Rejection> recent_rejections;  // newest first
  std::vector<Node> nodes;                  // empty for a broker on its own
  bool store_ok = true;                     // the last commit succeeded
  std::uint64_t store_journal_bytes = 0;    // the store's write-ahead log, where it has one
  bool schemas_loaded = true, adapters_loaded = true, trust_loaded = true;

  std::string json() const;  // the body of GET /api/overview
};

// The overview last published; starts as an empty one.
class CurrentOverview : public util::Snapshot<Overview> {
 public:
  CurrentOverview() : Snapshot(std::make_shared<const Overview>()) {}
};

}  // namespace ozgbus::broker
