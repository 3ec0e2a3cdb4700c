// FlowEvents: the broker's event stream for external monitoring — a ZeroMQ publish socket that
// carries one FlowEvent (proto/ozgbus.proto) per transition of a message, batched (one send per
// 20 ms or 256 events).
// The transport thread is the bus's bottleneck, so it only notes what happened (publish,
// publishTrace: plain copies into a local list, handed over once per loop turn by
// handOver), and only while someone subscribes (wanted()); a publisher thread of its own
// builds, serializes and sends the events and is the only user of the socket, an XPUB so it
// sees subscriptions come and go. It drops what slow subscribers cannot take, so monitoring
// can never hold the bus up. With CURVE on, subscribers authenticate like every other
// participant.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "core/result.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

class FlowEvents {
 public:
  // endpoint empty: events are off (a null pointer). curve_secret empty: plain text.
  static Result<std::unique_ptr<FlowEvents>> open(zmq::context_t& ctx, const std::string& endpoint,
                                                  const std::string& curve_secret);
  ~FlowEvents();  // sends what is still pending, then stops the publisher thread
  FlowEvents(const FlowEvents&) = delete;
  FlowEvents& operator=(const FlowEvents&) = delete;

  // Whether anyone subscribes to these events: without a subscriber, noting them would be
  // work for nothing.
  bool wanted() const { return wanted_.load(std::memory_order_relaxed); }
  // Transport thread only. event must be a string literal: it is kept by pointer until sent.
  void publish(std::int64_t at_ms, const std::string& uuid, const char* event, std::string detail,
               const std::string& participant = "", const std::string& queue = "");
  // Each "at_ms<TAB>event<TAB>detail" line of a message's trace as an event.
  void publishTrace(std::string history, const std::string& uuid, const std::string& participant,
                    const std::string& queue);
  // Hands what this thread noted to the publisher (call every loop turn).
  void handOver();
  const std::string& endpoint() const { return endpoint_; }

 private:
  // One publish() call, or a whole trace (event null, text = the trace's lines).
  struct Noted {
    std::int64_t at_ms;
    const char* event;
    std::string text, uuid, participant, queue;
  };
  explicit FlowEvents(zmq::context_t& ctx) : socket_(ctx, zmq::socket_type::xpub) {}
  void run();
  void takeSubscriptions();
  void send(const std::vector<Noted>& noted);

  zmq::socket_t socket_;
  std::string endpoint_;
  std::vector<Noted> local_;  // transport thread
  std::mutex mu_;
  std::vector<Noted> handed_;
  std::atomic<bool> stopping_{false};
  std::set<std::string>
      topics_;  // publisher thread: topics subscribed (XPUB passes first and last)
  std::atomic<bool> wanted_{false};  // some subscribed topic matches ours
  v1::FlowEventBatch
      batch_;  // publisher thread; cleared, not freed, between sends (reuses its events)
  std::thread publisher_;
};

}  // namespace ozgbus::broker
