#include "broker/monitoring/flow_events.h"

#include <cerrno>

#include "broker/monitoring/broker_metrics.h"
#include "broker/store/trace_line.h"

namespace ozgbus::broker {
namespace {

constexpr int kBatchEvents = 256;
constexpr auto kBatchAge = std::chrono::milliseconds(20);
constexpr std::string_view kTopic = "ozgbus.flow";
// Noted transitions waiting for the publisher (about ten per message); a publisher that falls
// further behind loses the rest rather than growing the broker's memory.
constexpr std::size_t kMaxHanded = 200000;

void sendBatch(zmq::socket_t& socket, v1::FlowEventBatch& batch) {
  if (batch.events_size() == 0) return;
  const std::string body = batch.SerializeAsString();
  batch.Clear();  // keeps the events' memory for the next batch
  // Never blocks: at the high-water mark XPUB drops, and a monitoring gap is better than a stall.
  socket.send(zmq::buffer(kTopic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket.send(zmq::buffer(body), zmq::send_flags::dontwait);
}

}  // namespace

Result<std::unique_ptr<FlowEvents>> FlowEvents::open(zmq::context_t& ctx,
                                                     const std::string& endpoint,
                                                     const std::string& curve_secret) {
  if (endpoint.empty()) return std::unique_ptr<FlowEvents>();
  std::unique_ptr<FlowEvents> f(new FlowEvents(ctx));
  f->socket_.set(zmq::sockopt::sndhwm, 100000);
  f->socket_.set(zmq::sockopt::linger, 0);
  if (!curve_secret.empty()) {
    f->socket_.set(zmq::sockopt::zap_domain,
                   "ozgbus-events");  // ZapHandler::kEventsDomain: observers only
    f->socket_.set(zmq::sockopt::curve_server, 1);
    f->socket_.set(zmq::sockopt::curve_secretkey, curve_secret);
  }
  try {
    f->socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return reject(v1::INTERNAL, "events: cannot bind " + endpoint + ": " + e.what());
  }
  f->endpoint_ = f->socket_.get(zmq::sockopt::last_endpoint);
  // From here on the socket belongs to the publisher thread (started after the last use here).
  f->publisher_ = std::thread([raw = f.get()] { raw->run(); });
  return f;
}

FlowEvents::~FlowEvents() {
  handOver();
  stopping_ = true;  // the publisher sends what was handed over and stops within one poll interval
  if (publisher_.joinable()) publisher_.join();
}

void FlowEvents::publish(std::int64_t at_ms, const std::string& uuid, const char* event,
                         std::string detail, const std::string& participant,
                         const std::string& queue) {
  local_.push_back(Noted{at_ms, event, std::move(detail), uuid, participant, queue});
}

void FlowEvents::publishTrace(std::string history, const std::string& uuid,
                              const std::string& participant, const std::string& queue) {
  local_.push_back(Noted{0, nullptr, std::move(history), uuid, participant, queue});
}

void FlowEvents::handOver() {
  if (local_.empty()) return;
  std::size_t dropped = 0;
  {
    std::lock_guard lock(mu_);
    if (handed_.empty()) {
      handed_.swap(local_);
    } else if (handed_.size() + local_.size() <= kMaxHanded) {
      handed_.insert(handed_.end(), std::make_move_iterator(local_.begin()),
                     std::make_move_iterator(local_.end()));
    } else {
      dropped = local_.size();
    }
  }
  local_.clear();
  if (dropped > 0) brokerMetrics().flow_events_dropped.with({}).inc(dropped);
  // No wake-up: the publisher looks every kBatchAge, which is the batching we want anyway.
}

void FlowEvents::run() {
  std::vector<Noted> noted;
  for (;;) {
    const bool last = stopping_;
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, last ? std::chrono::milliseconds(0) : kBatchAge);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;  // a signal meant for the main thread: just look again
    }
    if (item.revents & ZMQ_POLLIN) takeSubscriptions();
    {
      std::lock_guard lock(mu_);
      noted.swap(handed_);
    }
    send(noted);
    noted.clear();
    if (last) {
      socket_.set(zmq::sockopt::linger, 200);  // the last batch may still leave
      return;
    }
  }
}

void FlowEvents::takeSubscriptions() {
  zmq::message_t m;
  while (socket_.recv(m, zmq::recv_flags::dontwait)) {
    // XPUB: 1 + topic for a topic's first subscriber, 0 + topic when its last one left. A set,
    // not a count: libzmq also passes on an unsubscription from a peer that never subscribed.
    // Such a stray one can still switch events off until the next subscription; under CURVE
    // only observers can connect to this socket.
    if (m.size() == 0) continue;
    const auto* bytes = static_cast<const char*>(m.data());
    std::string topic(bytes + 1, m.size() - 1);
    if (bytes[0] == 1) {
      topics_.insert(std::move(topic));
    } else if (bytes[0] == 0) {
      topics_.erase(topic);
    }
  }
  bool any = false;
  for (const std::string& t : topics_) any = any || kTopic.substr(0, t.size()) == t;
  wanted_ = any;
}

void FlowEvents::send(const std::vector<Noted>& noted) {
  v1::FlowEventBatch& batch = batch_;
  const auto add = [&](std::int64_t at_ms, std::string_view event, std::string_view detail,
                       const Noted& n) {
    v1::FlowEvent* e = batch.add_events();
    e->set_at_ms(at_ms);
    e->set_message_uuid(n.uuid);
    e->set_event(event.data(), event.size());
    e->set_detail(detail.data(), detail.size());
    e->set_participant(n.participant);
    e->set_queue(n.queue);
    if (batch.events_size() >= kBatchEvents) sendBatch(socket_, batch);
  };
  for (const Noted& n : noted) {
    if (n.event) {
      add(n.at_ms, n.event, n.text, n);
    } else {
      forEachTraceLine(n.text, [&](std::int64_t at_ms, std::string_view event,
                                   std::string_view detail) { add(at_ms, event, detail, n); });
    }
  }
  sendBatch(socket_, batch);
}

}  // namespace ozgbus::broker
