#include "broker/delivery/outcome_recorder.h"

namespace ozgbus::broker {

void OutcomeRecorder::enqueue(StoreOp op) {
  if (events_ != nullptr && events_->wanted()) {
    if (const auto* st = std::get_if<SettleOp>(&op)) {
      const char* event = st->state == MessageState::kDelivered  ? "delivered"
                          : st->state == MessageState::kRejected ? "rejected_by_receiver"
                                                                 : "dead_lettered";
      events_->publish(clock_.wallMillis(), st->message_uuid, event, st->detail, st->receiver);
    } else if (const auto* at = std::get_if<AttemptOp>(&op)) {
      events_->publish(clock_.wallMillis(), "", "delivery_failed",
                       "message id " + std::to_string(at->id) + ", attempt " +
                           std::to_string(at->attempts) + ": " + at->note);
    }
  }
  commits_.enqueue(std::move(op));
}

}  // namespace ozgbus::broker
