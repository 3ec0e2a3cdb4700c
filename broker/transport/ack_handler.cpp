#include "broker/transport/ack_handler.h"

#include <spdlog/spdlog.h>

namespace ozgbus::broker {

void AckHandler::ack(Session& s, const wire::Frames& f) {
  const v1::Ack& a = f.envelope.ack();
  std::optional<Rejection> problem;
  if ((a.delivery_id() == 0) == (a.receipt_id() == 0)) {
    problem = reject(v1::MALFORMED_FRAME, "ACK needs exactly one of delivery_id and receipt_id");
  } else if (a.delivery_id() != 0) {
    // The UUID is gone once the ACK settles the delivery; looked up only when it will be logged.
    const bool logged = spdlog::should_log(spdlog::level::debug);
    const std::string uuid = logged ? c_.dispatcher.uuidOf(a.delivery_id()) : std::string();
    problem = c_.dispatcher.ack(s, a.delivery_id());
    if (!problem && logged)
      spdlog::debug("message {} delivered to {} (delivery {})", uuid, s.participant,
                    a.delivery_id());
  } else {
    problem = c_.outbox.ack(s, a.receipt_id());
  }
  if (problem) {
    ++c_.counters.errors;
    spdlog::warn("ACK from {} refused: {}", s.participant, problem->toString());
    c_.replies.error(s.identity, f.envelope.correlation_id(), *problem);
  }
}

void AckHandler::nack(Session& s, const wire::Frames& f) {
  if (!f.envelope.has_nack() || f.envelope.nack().delivery_id() == 0) {
    ++c_.counters.errors;
    c_.replies.error(s.identity, f.envelope.correlation_id(),
                     reject(v1::MALFORMED_FRAME, "NACK needs nack.delivery_id"));
    return;
  }
  const v1::Nack& n = f.envelope.nack();
  const std::string uuid = c_.dispatcher.uuidOf(n.delivery_id());  // gone once the NACK settles it
  if (auto problem = c_.dispatcher.nack(s, n)) {
    ++c_.counters.errors;
    spdlog::warn("NACK from {} refused: {}", s.participant, problem->toString());
    c_.replies.error(s.identity, f.envelope.correlation_id(), *problem);
    return;
  }
  spdlog::info("message {} NACKed by {} (delivery {}, {}): {}", uuid, s.participant,
               n.delivery_id(), n.requeue() ? "requeue" : "rejected", n.detail());
}

}  // namespace ozgbus::broker
