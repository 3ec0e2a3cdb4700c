#include "core/wire/socket_monitor.h"

#include <cstdio>
#include <cstring>

namespace ozgbus::wire {

SocketMonitor::SocketMonitor(zmq::context_t& ctx, zmq::socket_t& watched, int events)
    : watched_(&watched), pair_(ctx, zmq::socket_type::pair) {
  const std::string endpoint =
      "inproc://ozgbus-monitor-" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
  if (zmq_socket_monitor(watched.handle(), endpoint.c_str(), events) != 0) throw zmq::error_t();
  pair_.set(zmq::sockopt::linger, 0);
  pair_.connect(endpoint);
}

SocketMonitor::~SocketMonitor() { zmq_socket_monitor(watched_->handle(), nullptr, 0); }

std::optional<SocketEvent> SocketMonitor::next(std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{pair_.handle(), 0, ZMQ_POLLIN, 0};
  if (timeout.count() > 0 && zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
  zmq::message_t head, address;
  if (!pair_.recv(head, zmq::recv_flags::dontwait)) return std::nullopt;
  if (head.more()) (void)pair_.recv(address, zmq::recv_flags::none);
  SocketEvent e;
  if (head.size() >= 6) {
    std::memcpy(&e.event, head.data(), 2);
    std::memcpy(&e.value, static_cast<const char*>(head.data()) + 2, 4);
  }
  e.address.assign(static_cast<const char*>(address.data()), address.size());
  return e;
}

std::string SocketMonitor::describeFailure(const SocketEvent& e) {
  switch (e.event) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return "the CURVE key was refused (ZAP status " + std::to_string(e.value) +
             "): it is not registered for any participant";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      if (e.value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
        return "the two sides use different security mechanisms (CURVE on one side only)";
      }
      if (e.value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
        return "the CURVE handshake failed cryptographically (a wrong server key?)";
      } else {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%08x", e.value);
        return std::string("the handshake broke the ZMTP protocol (error 0x") + hex + ")";
      }
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      return "the handshake failed (no detail; often a wrong server key or a closed connection)";
    default:
      return {};
  }
}

}  // namespace ozgbus::wire
