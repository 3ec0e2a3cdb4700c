// SocketMonitor: the connection and handshake events of one ZeroMQ socket (zmq_socket_monitor),
// so that a refused CURVE handshake becomes a sentence instead of a silent timeout. Owned and
// read by the thread that owns the watched socket; create it before that socket connects/binds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <zmq.hpp>

namespace ozgbus::wire {

struct SocketEvent {
  std::uint16_t event = 0;  // ZMQ_EVENT_*
  std::uint32_t value = 0;  // ZMQ_PROTOCOL_ERROR_* for a failed handshake, the ZAP status for AUTH
  std::string address;      // the endpoint the event concerns
};

class SocketMonitor {
 public:
  // events: a mask of ZMQ_EVENT_* values.
  SocketMonitor(zmq::context_t& ctx, zmq::socket_t& watched, int events);
  SocketMonitor(const SocketMonitor&) = delete;
  SocketMonitor& operator=(const SocketMonitor&) = delete;
  ~SocketMonitor();

  // The next event; empty when none arrives within timeout (0: do not wait).
  std::optional<SocketEvent> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  zmq::socket_t& socket() { return pair_; }

  // "the broker requires CURVE", "the CURVE key was refused (ZAP 400)", ... for a failed
  // handshake event; empty for other events.
  static std::string describeFailure(const SocketEvent& e);

 private:
  zmq::socket_t* watched_;
  zmq::socket_t pair_;
};

}  // namespace ozgbus::wire
