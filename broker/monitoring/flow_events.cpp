#include "broker/monitoring/flow_events.h"

#include "broker/store/trace_line.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

Result<std::unique_ptr<FlowEvents>> FlowEvents::open(zmq::context_t& ctx, const std::string& endpoint,
                                                     const std::string& curve_secret) {
  if (endpoint.empty()) return std::unique_ptr<FlowEvents>();
  std::unique_ptr<FlowEvents> f(new FlowEvents(ctx));
  f->socket_.set(zmq::sockopt::sndhwm, 100000);
  f->socket_.set(zmq::sockopt::linger, 0);
  if (!curve_secret.empty()) {
    f->socket_.set(zmq::sockopt::zap_domain, "ozgbus");
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
  v1::FlowEvent e;
  e.set_at_ms(at_ms);
  e.set_message_uuid(uuid);
  e.set_event(event);
  e.set_detail(detail);
  e.set_participant(participant);
  e.set_queue(queue);
  const std::string topic = "ozgbus.flow." + event;
  const std::string body = e.SerializeAsString();
  // Never blocks: at the high-water mark PUB drops, and a monitoring gap is better than a stall.
  socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket_.send(zmq::buffer(body), zmq::send_flags::dontwait);
}

void FlowEvents::publishTrace(const std::string& history, const std::string& uuid, const std::string& participant,
                              const std::string& queue) {
  forEachTraceLine(history, [&](std::int64_t at_ms, const std::string& event, const std::string& detail) {
    publish(at_ms, uuid, event, detail, participant, queue);
  });
}

}  // namespace ozgbus::broker
