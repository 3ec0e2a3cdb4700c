#include "client/handshake.h"

namespace ozgbus::client {

Handshake::Handshake(zmq::context_t& ctx, zmq::socket_t& socket, bool curve, std::string public_key,
                     std::string endpoint, std::string refused)
    : monitor_(ctx, socket,
               ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH),
      curve_(curve),
      public_key_(std::move(public_key)),
      endpoint_(std::move(endpoint)),
      refused_(std::move(refused)) {}

void Handshake::note(const wire::SocketEvent& e) {
  switch (e.event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
      ready_ = true;
      failure_.reset();
      break;
    case ZMQ_EVENT_DISCONNECTED:
      if (!ready_) ++closed_in_handshake_;
      ready_ = false;
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      failure_ = e;
      break;
    default:
      break;
  }
}

Rejection Handshake::explain(const wire::SocketEvent& f) const {
  const std::string& at = endpoint_;
  // A CURVE broker closes a plain connection without saying why: libzmq reports no detail.
  if (!curve_) {
    return reject(
        v1::UNAUTHENTICATED,
        "the broker at " + at +
            " refused a connection without CURVE: it requires CURVE "
            "keys. Give this client's key pair with --key FILE and the broker's public key "
            "with --server-key FILE (`ozgbus keygen --out PREFIX` makes a key pair; the "
            "operator registers its public key for your participant)");
  }
  if (f.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
      f.value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
    return reject(v1::UNAUTHENTICATED,
                  "the broker at " + at +
                      " does not use CURVE (it runs with "
                      "broker.insecure = true): leave out --key and --server-key");
  }
  if (f.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
    return reject(v1::UNAUTHENTICATED, "the broker at " + at +
                                           " refused this client's CURVE key (" + public_key_ +
                                           "): " + refused_);
  }
  return reject(v1::UNAUTHENTICATED,
                "the CURVE handshake with the broker at " + at + " failed (" +
                    wire::SocketMonitor::describeFailure(f) +
                    "): is --server-key the broker's public key, and --key this "
                    "client's own key pair?");
}

std::optional<Rejection> Handshake::await(std::chrono::steady_clock::time_point deadline,
                                          std::chrono::milliseconds timeout) {
  while (auto e = monitor_.next()) note(*e);
  while (!ready_) {
    if (failure_) {
      const wire::SocketEvent f = *failure_;
      failure_.reset();
      return explain(f);
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (auto e = monitor_.next(left)) note(*e);
  }
  if (ready_) return std::nullopt;
  const std::string waited = std::to_string(timeout.count()) + " ms";
  if (curve_ && closed_in_handshake_ > 0) {
    return reject(v1::UNAUTHENTICATED, "the broker at " + endpoint_ +
                                           " closed the connection during the CURVE "
                                           "handshake " +
                                           std::to_string(closed_in_handshake_) + " times in " +
                                           waited + ": is --server-key the broker's public key?");
  }
  return reject(v1::BROKER_UNREACHABLE, "no broker answered at " + endpoint_ + " within " + waited +
                                            " (nothing listening, or a firewall)");
}

}  // namespace ozgbus::client
