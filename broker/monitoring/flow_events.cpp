#include "broker/monitoring/flow_events.h"

#include "broker/store/trace_line.h"

namespace ozgbus::broker {

Result<std::unique_ptr<FlowEvents>> FlowEvents::open(zmq::context_t& ctx, const std::string& endpoint,
                                                     const std::string& curve_secret) {
  if (endpoint.empty()) return std::unique_ptr<FlowEvents>();
  std::unique_ptr<FlowEvents> f(new FlowEvents(ctx));
  f->socket_.set(zmq::sockopt::sndhwm, 100000);
  f->socket_.set(zmq::sockopt::linger, 0);
  if (!curve_secret.empty()) {
    f->socket_.set(zmq::sockopt::zap_domain, "ozgbus-events");  // ZapHandler::kEventsDomain: observers only
    f->socket_.set(zmq::sockopt::curve_server, 1);
    f->socket_.set(zmq::sockopt::curve_secretkey, curve_secret);
  }
  try {
    f->socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return reject(v1::INTERNAL, "events: cannot bind " + endpoint + ": " + e.what());
  }
  return f;
}

std::string FlowEvents::endpoint() const { return socket_.get(zmq::sockopt::last_endpoint); }

void FlowEvents::publish(std::int64_t at_ms, const std::string& uuid, const std::string& event,
                         const std::string& detail, const std::string& participant, const std::string& queue) {
  if (batch_.events_size() == 0) first_pending_ = std::chrono::steady_clock::now();
  v1::FlowEvent* e = batch_.add_events();
  e->set_at_ms(at_ms);
  e->set_message_uuid(uuid);
  e->set_event(event);
  e->set_detail(detail);
  e->set_participant(participant);
  e->set_queue(queue);
  if (batch_.events_size() >= 256) flush();
}

void FlowEvents::flushIfDue(std::chrono::steady_clock::time_point now) {
  if (batch_.events_size() > 0 && now - first_pending_ >= std::chrono::milliseconds(20)) flush();
}

void FlowEvents::flush() {
  if (batch_.events_size() == 0) return;
  const std::string body = batch_.SerializeAsString();
  batch_.Clear();
  // Never blocks: at the high-water mark PUB drops, and a monitoring gap is better than a stall.
  socket_.send(zmq::buffer(std::string_view("ozgbus.flow")), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket_.send(zmq::buffer(body), zmq::send_flags::dontwait);
}

void FlowEvents::publishTrace(const std::string& history, const std::string& uuid, const std::string& participant,
                              const std::string& queue) {
  forEachTraceLine(history, [&](std::int64_t at_ms, const std::string& event, const std::string& detail) {
    publish(at_ms, uuid, event, detail, participant, queue);
  });
}

}  // namespace ozgbus::broker
