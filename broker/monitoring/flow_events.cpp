#include "broker/monitoring/flow_events.h"

#include "broker/store/trace_line.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {
namespace {

constexpr int kBatchEvents = 256;
constexpr auto kBatchAge = std::chrono::milliseconds(20);

void sendBatch(zmq::socket_t& socket, v1::FlowEventBatch& batch) {
  if (batch.events_size() == 0) return;
  const std::string body = batch.SerializeAsString();
  batch.Clear();  // keeps the events' memory for the next batch
  // Never blocks: at the high-water mark PUB drops, and a monitoring gap is better than a stall.
  socket.send(zmq::buffer(std::string_view("ozgbus.flow")), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket.send(zmq::buffer(body), zmq::send_flags::dontwait);
}

}  // namespace

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
  f->endpoint_ = f->socket_.get(zmq::sockopt::last_endpoint);
  // From here on the socket belongs to the publisher thread (started after the last use here).
  f->publisher_ = std::thread([raw = f.get()] { raw->run(); });
  return f;
}

FlowEvents::~FlowEvents() {
  flushIfDue(std::chrono::steady_clock::now());
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (publisher_.joinable()) publisher_.join();
}

void FlowEvents::publish(std::int64_t at_ms, const std::string& uuid, const char* event, std::string detail,
                         const std::string& participant, const std::string& queue) {
  local_.push_back(Noted{at_ms, event, std::move(detail), uuid, participant, queue});
}

void FlowEvents::publishTrace(std::string history, const std::string& uuid, const std::string& participant,
                              const std::string& queue) {
  local_.push_back(Noted{0, nullptr, std::move(history), uuid, participant, queue});
}

void FlowEvents::flushIfDue(std::chrono::steady_clock::time_point) {
  if (local_.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (handed_.empty()) {
      handed_.swap(local_);
    } else {
      handed_.insert(handed_.end(), std::make_move_iterator(local_.begin()), std::make_move_iterator(local_.end()));
      local_.clear();
    }
  }
  // No notify: the publisher looks every kBatchAge, which is the batching we want anyway.
}

void FlowEvents::run() {
  std::vector<Noted> noted;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, kBatchAge, [this] { return stopping_; });
    noted.swap(handed_);
    const bool last = stopping_;
    lock.unlock();
    send(noted);
    noted.clear();
    if (last) return;
    lock.lock();
  }
}

void FlowEvents::send(const std::vector<Noted>& noted) {
  v1::FlowEventBatch batch;
  const auto add = [&](std::int64_t at_ms, const std::string& event, const std::string& detail, const Noted& n) {
    v1::FlowEvent* e = batch.add_events();
    e->set_at_ms(at_ms);
    e->set_message_uuid(n.uuid);
    e->set_event(event);
    e->set_detail(detail);
    e->set_participant(n.participant);
    e->set_queue(n.queue);
    if (batch.events_size() >= kBatchEvents) sendBatch(socket_, batch);
  };
  for (const Noted& n : noted) {
    if (n.event) {
      add(n.at_ms, n.event, n.text, n);
    } else {
      forEachTraceLine(n.text, [&](std::int64_t at_ms, const std::string& event, const std::string& detail) {
        add(at_ms, event, detail, n);
      });
    }
  }
  sendBatch(socket_, batch);
}

}  // namespace ozgbus::broker
