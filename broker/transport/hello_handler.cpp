#include "broker/transport/hello_handler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ozgbus::broker {

std::optional<Rejection> HelloHandler::admit(const std::string& user_id,
                                             const std::string& curve_key, const v1::Hello& h,
                                             std::vector<std::string>& queues) const {
  if (!c_.runtime.secure()) return std::nullopt;  // insecure: HELLO is believed
  if (h.participant_id() != user_id) {
    return reject(v1::IDENTITY_MISMATCH, "this connection's CURVE key belongs to '" + user_id +
                                             "', not to '" + h.participant_id() + "'");
  }
  const auto registry = c_.runtime.participants().get();
  const Participant* p = registry->byId(user_id);
  if (p == nullptr)
    return reject(v1::UNAUTHENTICATED, "participant '" + user_id + "' is no longer registered");
  if (p->curve_public_key != curve_key) {
    return reject(v1::UNAUTHENTICATED, "this connection's CURVE key is no longer registered for '" +
                                           user_id + "' (the key was replaced)");
  }
  if (p->role != h.role()) {
    return reject(v1::NOT_AUTHORIZED, "participant '" + user_id + "' is registered as " +
                                          v1::Role_Name(p->role) + ", not " +
                                          v1::Role_Name(h.role()));
  }
  if (p->role == v1::BACKEND) {
    if (queues.empty()) queues = p->queues;
    for (const std::string& q : queues) {
      if (std::find(p->queues.begin(), p->queues.end(), q) == p->queues.end()) {
        return reject(v1::NOT_AUTHORIZED,
                      "back-end '" + user_id + "' may not receive from queue '" + q + "'");
      }
    }
  }
  return std::nullopt;
}

void HelloHandler::handle(const std::string& identity, const std::string& user_id,
                          const std::string& curve_key, const wire::Frames& f) {
  const v1::Hello& h = f.envelope.hello();
  const auto correlation = f.envelope.correlation_id();
  if (!f.envelope.has_hello() || h.participant_id().empty()) {
    ++c_.counters.errors;
    c_.replies.error(identity, correlation,
                     reject(v1::MALFORMED_FRAME, "HELLO without hello.participant_id"));
    return;
  }
  if (h.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(h.role())) {
    ++c_.counters.errors;
    c_.replies.error(
        identity, correlation,
        reject(v1::MALFORMED_FRAME, "HELLO needs a role (PORTAL, BACKEND, PEER or OBSERVER)"));
    return;
  }
  std::vector<std::string> queues(h.queues().begin(), h.queues().end());
  if (auto refused = admit(user_id, curve_key, h, queues)) {
    ++c_.counters.errors;
    spdlog::warn("HELLO as {} refused: {}", h.participant_id(), refused->toString());
    c_.replies.error(identity, correlation, *refused);
    return;
  }
  if (c_.sessions.count(identity) > 0) c_.close(identity);
  const std::uint32_t limit = c_.runtime.config().submit.max_connections;
  const auto open = std::count_if(c_.sessions.begin(), c_.sessions.end(), [&h](const auto& s) {
    return s.second.participant == h.participant_id();
  });
  if (static_cast<std::uint32_t>(open) >= limit) {
    ++c_.counters.errors;
    c_.replies.error(
        identity, correlation,
        reject(v1::BUSY, "participant '" + h.participant_id() + "' has " + std::to_string(open) +
                             " connections open (limit " + std::to_string(limit) +
                             ", limits.max_connections_per_participant)"));
    return;
  }

  const DeliveryConfig& delivery = c_.runtime.config().delivery;
  const SessionConfig& timing = c_.runtime.config().session;
  Session s;
  s.identity = identity;
  s.session_id = std::to_string(next_session_++);
  s.participant = h.participant_id();
  s.curve_key = curve_key;
  s.role = h.role();
  s.credit = std::min(h.credit() > 0 ? h.credit() : delivery.default_credit, delivery.max_credit);
  s.last_seen = c_.clock.steady();
  s.connected_at_ms = c_.clock.wallMillis();
  if (s.role == v1::BACKEND) {
    s.queues = std::move(queues);
    if (s.queues.empty()) s.queues.push_back(s.participant);
  }
  Session& stored = c_.sessions.emplace(identity, std::move(s)).first->second;
  c_.dispatcher.attach(stored);
  spdlog::info("session {}: {} connected as {} (credit {}, queues [{}])", stored.session_id,
               stored.participant, v1::Role_Name(stored.role), stored.credit,
               fmt::join(stored.queues, ", "));

  auto e = wire::makeEnvelope(v1::WELCOME, correlation);
  v1::Welcome* w = e.mutable_welcome();
  w->set_session_id(stored.session_id);
  w->set_heartbeat_interval_ms(static_cast<std::uint32_t>(timing.heartbeat_interval.count()));
  w->set_session_timeout_ms(static_cast<std::uint32_t>(timing.timeout.count()));
  w->set_broker_version(OZGBUS_VERSION);
  c_.replies.send(identity, e);
}

}  // namespace ozgbus::broker
