// AckHandler: ACK and NACK — a back-end settles a delivery (acknowledged, or refused with a
// reason, or to be delivered again), or a portal takes a receipt. Transport thread only.
#pragma once

#include "broker/delivery/dispatcher.h"
#include "broker/delivery/receipt_outbox.h"
#include "broker/delivery/session.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/transport/replies.h"
#include "core/wire/codec.h"

namespace ozgbus::broker {

class AckHandler {
 public:
  struct Context {
    Dispatcher& dispatcher;
    ReceiptOutbox& outbox;
    Replies& replies;
    BrokerCounters& counters;
  };

  explicit AckHandler(Context c) : c_(c) {}
  void ack(Session& s, const wire::Frames& f);
  void nack(Session& s, const wire::Frames& f);

 private:
  Context c_;
};

}  // namespace ozgbus::broker
