// FlowEvents: the broker's event stream for external monitoring — a ZeroMQ PUB socket that
// carries one FlowEvent (proto/ozgbus.proto) per transition of a message, batched (one send per
// 20 ms or 256 events instead of ten per message: the transport thread is the bus's bottleneck).
// Owned and used by the transport thread only. PUB drops what slow subscribers cannot take, so
// monitoring can never hold the bus up. With CURVE on, subscribers authenticate like every
// other participant.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "core/result.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

class FlowEvents {
 public:
  // endpoint empty: events are off and publish() does nothing. curve_secret empty: plain text.
  static Result<std::unique_ptr<FlowEvents>> open(zmq::context_t& ctx, const std::string& endpoint,
                                                  const std::string& curve_secret);
  void publish(std::int64_t at_ms, const std::string& uuid, const std::string& event,
               const std::string& detail, const std::string& participant = "", const std::string& queue = "");
  // Each "at_ms<TAB>event<TAB>detail" line of a message's trace as an event.
  void publishTrace(const std::string& history, const std::string& uuid, const std::string& participant,
                    const std::string& queue);
  // Sends the pending batch if it is old or full enough (call every loop), or now (at exit).
  void flushIfDue(std::chrono::steady_clock::time_point now);
  void flush();
  std::string endpoint() const;

 private:
  explicit FlowEvents(zmq::context_t& ctx) : socket_(ctx, zmq::socket_type::pub) {}
  zmq::socket_t socket_;
  v1::FlowEventBatch batch_;
  std::chrono::steady_clock::time_point first_pending_;
};

}  // namespace ozgbus::broker
