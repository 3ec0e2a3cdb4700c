// FlowEvents: the broker's event stream for external monitoring — a ZeroMQ PUB socket that
// carries one FlowEvent (proto/ozgbus.proto) per transition of a message, batched (one send per
// 20 ms or 256 events).
// The transport thread is the bus's bottleneck, so it only notes what happened (publish,
// publishTrace: plain copies into a local list, handed over once per loop turn by
// flushIfDue); a publisher thread of its own builds, serializes and sends the events and is
// the only user of the PUB socket. PUB drops what slow subscribers cannot take, so monitoring
// can never hold the bus up. With CURVE on, subscribers authenticate like every other
// participant.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "core/result.h"

namespace ozgbus::broker {

class FlowEvents {
 public:
  // endpoint empty: events are off (a null pointer). curve_secret empty: plain text.
  static Result<std::unique_ptr<FlowEvents>> open(zmq::context_t& ctx, const std::string& endpoint,
                                                  const std::string& curve_secret);
  ~FlowEvents();  // sends what is still pending, then stops the publisher thread
  FlowEvents(const FlowEvents&) = delete;
  FlowEvents& operator=(const FlowEvents&) = delete;

  // Transport thread only.
  void publish(std::int64_t at_ms, const std::string& uuid, const char* event, std::string detail,
               const std::string& participant = "", const std::string& queue = "");
  // Each "at_ms<TAB>event<TAB>detail" line of a message's trace as an event.
  void publishTrace(std::string history, const std::string& uuid, const std::string& participant,
                    const std::string& queue);
  // Hands what this thread noted to the publisher (call every loop turn).
  void flushIfDue(std::chrono::steady_clock::time_point now);
  const std::string& endpoint() const { return endpoint_; }

 private:
  // One publish() call, or a whole trace (event null, text = the trace's lines).
  struct Noted {
    std::int64_t at_ms;
    const char* event;
    std::string text, uuid, participant, queue;
  };
  FlowEvents(zmq::context_t& ctx) : socket_(ctx, zmq::socket_type::pub) {}
  void run();
  void send(const std::vector<Noted>& noted);

  zmq::socket_t socket_;
  std::string endpoint_;
  std::vector<Noted> local_;  // transport thread
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Noted> handed_;
  bool stopping_ = false;
  std::thread publisher_;
};

}  // namespace ozgbus::broker
