// StatusHandler: STATUS — queues, depths, in-flight, dead letters, connected participants and
// loaded adapters, for operators' tools. Transport thread only.
#pragma once

#include "broker/delivery/dispatcher.h"
#include "broker/delivery/receipt_outbox.h"
#include "broker/delivery/session.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/runtime/runtime.h"
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
  };

  explicit StatusHandler(Context c) : c_(c) {}
  void handle(const Session& s, const wire::Frames& f);

 private:
  Context c_;
};

}  // namespace ozgbus::broker
