#include "broker/transport/submit_handler.h"

#include <spdlog/spdlog.h>

#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {

void SubmitHandler::refuse(const Session& s, std::uint64_t correlation, ReasonCode reason,
                           std::string detail) {
  c_.rejections.note(s.participant, "", reject(reason, detail));
  spdlog::info("submission from {} refused: {}: {}", s.participant, reasonName(reason), detail);
  v1::SubmitResult r;
  r.set_accepted(false);
  r.set_reason(reason);
  r.set_detail(std::move(detail));
  c_.replies.submitResult(s.identity, correlation, r);
}

void SubmitHandler::handle(Session& s, wire::Frames& f) {
  const auto correlation = f.envelope.correlation_id();
  ++c_.counters.submitted;
  brokerMetrics().submitted.with({}).inc();
  if (s.role != v1::PORTAL && s.role != v1::PEER) {
    return refuse(s, correlation, v1::NOT_AUTHORIZED,
                  "participant " + s.participant + " is connected as " + v1::Role_Name(s.role) +
                      "; only PORTAL and PEER connections may submit");
  }
  if (c_.draining)
    return refuse(s, correlation, v1::SHUTTING_DOWN, "broker is stopping; submit again later");
  if (f.payloads.size() != 1) {
    return refuse(s, correlation, v1::MALFORMED_FRAME,
                  "SUBMIT needs exactly one payload frame (the XML document), got " +
                      std::to_string(f.payloads.size()));
  }
  const zmq::message_t& payload = f.payloads.front();
  if (payload.size() > c_.config.limits.max_bytes) {
    return refuse(s, correlation, v1::TOO_LARGE,
                  "document has " + std::to_string(payload.size()) + " bytes, limit is " +
                      std::to_string(c_.config.limits.max_bytes));
  }
  const std::uint64_t limit = c_.config.submit.max_bytes_in_flight;
  if (c_.bytes_in_flight + payload.size() > limit) {
    return refuse(s, correlation, v1::BUSY,
                  "the broker holds " + std::to_string(c_.bytes_in_flight) +
                      " bytes of submissions in progress (limit " + std::to_string(limit) +
                      "): send again when earlier ones are answered");
  }
  if (auto limited = c_.limiter.admit(s.participant, s.identity, c_.clock.steady())) {
    return refuse(s, correlation, limited->reason, limited->detail);
  }
  c_.bytes_in_flight += payload.size();
  Message m;
  m.origin = FromConnection{s.identity, correlation, payload.size()};
  m.sender = s.participant;
  m.received_at_ms = c_.clock.wallMillis();
  m.raw = std::make_shared<const std::string>(wire::view(payload));
  c_.pipeline(std::move(m));
}

}  // namespace ozgbus::broker
