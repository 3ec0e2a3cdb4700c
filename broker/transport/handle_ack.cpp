// ACK and NACK: a back-end settles a delivery, or a portal takes a receipt.
#include <spdlog/spdlog.h>

#include "broker/transport/server.h"
#include "broker/transport/wall_clock.h"

namespace ozgbus::broker {
void Server::onAck(Session& s, const wire::Frames& f) {
  const v1::Ack& a = f.envelope.ack();
  std::optional<Rejection> problem;
  if ((a.delivery_id() == 0) == (a.receipt_id() == 0)) {
    problem = reject(v1::MALFORMED_FRAME, "ACK needs exactly one of delivery_id and receipt_id");
  } else if (a.delivery_id() != 0) {
    problem = dispatcher_->ack(s, a.delivery_id(), epochMillis());
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
  if (auto problem = dispatcher_->nack(s, f.envelope.nack(), Clock::now(), epochMillis())) {
    ++counters_.errors;
    spdlog::warn("NACK from {} refused: {}", s.participant, problem->toString());
    sendError(s.identity, f.envelope.correlation_id(), *problem);
    return;
  }
  spdlog::info("delivery {} NACKed by {} ({}): {}", f.envelope.nack().delivery_id(), s.participant,
               f.envelope.nack().requeue() ? "requeue" : "rejected", f.envelope.nack().detail());
}

}  // namespace ozgbus::broker
