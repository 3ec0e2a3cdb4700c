// HELLO: a connection says who it is; the broker answers WELCOME or ERROR.
#include <spdlog/spdlog.h>

#include "broker/transport/server.h"

namespace ozgbus::broker {

void Server::onHello(const std::string& identity, const wire::Frames& f) {
  const v1::Hello& h = f.envelope.hello();
  const auto correlation = f.envelope.correlation_id();
  if (!f.envelope.has_hello() || h.participant_id().empty()) {
    ++counters_.errors;
    return sendError(identity, correlation,
                     reject(v1::MALFORMED_FRAME, "HELLO without hello.participant_id"));
  }
  if (h.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(h.role())) {
    ++counters_.errors;
    return sendError(identity, correlation,
                     reject(v1::MALFORMED_FRAME, "HELLO needs a role (PORTAL, BACKEND, PEER or OBSERVER)"));
  }
  if (sessions_.count(identity) > 0) dropSession(identity, "HELLO again on the same connection", false);

  Session s;
  s.identity = identity;
  s.session_id = std::to_string(next_session_++);
  s.participant = h.participant_id();
  s.role = h.role();
  s.credit = h.credit() > 0 ? h.credit() : config_.delivery.default_credit;
  s.last_seen = Clock::now();
  if (s.role == v1::BACKEND) {
    s.queues.assign(h.queues().begin(), h.queues().end());
    if (s.queues.empty()) s.queues.push_back(s.participant);
  }
  Session& stored = sessions_.emplace(identity, std::move(s)).first->second;
  dispatcher_->attach(stored);
  spdlog::info("session {}: {} connected as {} (credit {}, queues [{}])", stored.session_id,
               stored.participant, v1::Role_Name(stored.role), stored.credit,
               fmt::join(stored.queues, ", "));

  auto e = wire::makeEnvelope(v1::WELCOME, correlation);
  v1::Welcome* w = e.mutable_welcome();
  w->set_session_id(stored.session_id);
  w->set_heartbeat_interval_ms(static_cast<std::uint32_t>(config_.session.heartbeat_interval.count()));
  w->set_session_timeout_ms(static_cast<std::uint32_t>(config_.session.timeout.count()));
  w->set_broker_version(OZGBUS_VERSION);
  sendTo(identity, e);
}

}  // namespace ozgbus::broker
