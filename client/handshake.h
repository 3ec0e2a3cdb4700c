// Handshake: follows the transport handshake of one client socket with the broker (through a
// SocketMonitor) and turns a failed or missing one into a sentence: the broker wants CURVE keys,
// does not know this key, closed the CURVE handshake (a wrong server key?), or nothing answered.
// Owned and used by the thread that owns the socket; create it before the socket connects.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "core/result.h"
#include "core/wire/socket_monitor.h"

namespace ozgbus::client {

class Handshake {
 public:
  // curve: the socket uses CURVE; public_key names it in messages; endpoint is where it connects;
  // refused: why the broker may refuse a CURVE key there, for the message.
  Handshake(zmq::context_t& ctx, zmq::socket_t& socket, bool curve, std::string public_key,
            std::string endpoint, std::string refused = "it is registered for no participant");

  // Empty once a handshake has succeeded and the connection stands; otherwise why not, as soon
  // as a handshake fails, or when the deadline passes (timeout: the wait, for the message).
  std::optional<Rejection> await(std::chrono::steady_clock::time_point deadline,
                                 std::chrono::milliseconds timeout);

 private:
  void note(const wire::SocketEvent& e);
  Rejection explain(const wire::SocketEvent& failure) const;

  wire::SocketMonitor monitor_;
  bool curve_;
  std::string public_key_, endpoint_, refused_;
  bool ready_ = false;           // a handshake succeeded and the connection still stands
  int closed_in_handshake_ = 0;  // connections the broker closed before a handshake ended
  std::optional<wire::SocketEvent> failure_;
};

}  // namespace ozgbus::client
