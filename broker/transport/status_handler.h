// StatusHandler: STATUS — queues, depths, in-flight, dead letters, connected participants,
// loaded adapters and a cluster's nodes, for operators' tools. Transport thread only.
#pragma once

#include <functional>
#include <vector>

#include "broker/delivery/dispatcher.h"
#include "broker/delivery/receipt_outbox.h"
#include "broker/delivery/session.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/runtime/runtime.h"
#include "broker/store/cluster_link.h"
#include "broker/transport/replies.h"
#include "core/wire/codec.h"

namespace ozgbus::broker {

class StatusHandler {
 public:
  struct Context {
    const Dispatcher& dispatcher;
    const ReceiptOutbox& outbox;
    const Sessions& sessions;
    const BrokerCounters& counters;
    const Runtime& runtime;  // the adapters in force
    Replies& replies;
    std::function<std::vector<ClusterNode>()> nodes;  // empty unless a node of several
  };

  explicit StatusHandler(Context c) : c_(c) {}
  void handle(const Session& s, const wire::Frames& f);

 private:
  Context c_;
};

}  // namespace ozgbus::broker
