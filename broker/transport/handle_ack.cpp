// ACK and NACK: a back-end settles a delivery, or a portal takes a receipt.
#include <spdlog/spdlog.h>

#include "broker/transport/server.h"

namespace ozgbus::broker {
void Server::onAck(Session& s, const wire::Frames& f) {
  const v1::Ack& a = f.envelope.ack();
  std::optional<Rejection> problem;
  if ((a.delivery_id() == 0) == (a.receipt_id() == 0)) {
    problem = reject(v1::MALFORMED_FRAME, "ACK needs exactly one of delivery_id and receipt_id");
  } else if (a.delivery_id() != 0) {
    // The UUID is gone once the ACK settles the delivery; looked up only when it will be logged.
    const bool logged = spdlog::should_log(spdlog::level::debug);
    const std::string uuid = logged ? dispatcher_->uuidOf(a.delivery_id()) : std::string();
    problem = dispatcher_->ack(s, a.delivery_id());
    if (!problem && logged) spdlog::debug("message {} delivered to {} (delivery {})", uuid, s.participant, a.delivery_id());
  } else {
    problem = outbox_->ack(s, a.receipt_id());
  }
  if (problem) {
    ++counters_.errors;
    spdlog::warn("ACK from {} refused: {}", s.participant, problem->toString());
    sendError(s.identity, f.envelope.correlation_id(), *problem);
  }
}

void Server::onNack(Session& s, const wire::Frames& f) {
  if (!f.envelope.has_nack() || f.envelope.nack().delivery_id() == 0) {
    ++counters_.errors;
    return sendError(s.identity, f.envelope.correlation_id(),
                     reject(v1::MALFORMED_FRAME, "NACK needs nack.delivery_id"));
  }
  const v1::Nack& n = f.envelope.nack();
  const std::string uuid = dispatcher_->uuidOf(n.delivery_id());  // gone once the NACK settles it
  if (auto problem = dispatcher_->nack(s, n)) {
    ++counters_.errors;
    spdlog::warn("NACK from {} refused: {}", s.participant, problem->toString());
    sendError(s.identity, f.envelope.correlation_id(), *problem);
    return;
  }
  spdlog::info("message {} NACKed by {} (delivery {}, {}): {}", uuid, s.participant,
               n.delivery_id(), n.requeue() ? "requeue" : "rejected", n.detail());
}

}  // namespace ozgbus::broker
