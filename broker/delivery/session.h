// Session: one connected client as the broker knows it after HELLO. Owned by the transport
// thread (its router loop keeps them by routing id); the dispatcher and the receipt outbox
// read and change the ones they deliver to, on that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>
#include <zmq.hpp>

#include "core/util/clock.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

struct Session {
  std::string identity;     // ZeroMQ routing id of the connection
  std::string session_id;   // printable id for logs and status
  std::string participant;  // from HELLO; with CURVE, the participant its key belongs to
  std::string curve_key;    // with CURVE: the key the connection authenticated with
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::uint32_t credit = 0;                      // deliveries it may hold unacknowledged
  std::vector<std::string> queues;               // back-end: what it consumes
  std::unordered_set<std::uint64_t> deliveries;  // delivery ids it holds
  std::unordered_set<std::uint64_t> receipts;    // receipt ids it holds
  util::SteadyTime last_seen;
  std::int64_t connected_at_ms = 0;  // when its HELLO was accepted (wall clock)

  bool hasCredit() const { return deliveries.size() < credit; }
};

// The open sessions, by ZeroMQ routing id.
using Sessions = std::unordered_map<std::string, Session>;

}  // namespace ozgbus::broker
