// ZapHandler: the ZeroMQ Authentication Protocol (RFC 27) server for the broker's CURVE socket.
// Runs its own thread with a REP socket on inproc://zeromq.zap.01 in the broker's context;
// admits a connection only if its CURVE public key is in the participant registry, and names
// the participant as the connection's User-Id, which every frame then carries. It reads the
// registry in force at each handshake, so connections made after a reload see the new one.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <zmq.hpp>

#include "broker/security/handshake_refusals.h"
#include "broker/security/participant_registry.h"

namespace ozgbus::broker {

class ZapHandler {
 public:
  // Connection metadata property that carries the CURVE key the connection authenticated with.
  static constexpr const char* kCurveKeyProperty = "X-Curve-Key";
  // ZAP domain of the flow-event socket: only OBSERVER participants are admitted there.
  static constexpr const char* kEventsDomain = "ozgbus-events";

  // Binds before returning, so the ROUTER may bind right after.
  // trust: the participants' certificates are checked against it at every handshake.
  ZapHandler(zmq::context_t& ctx, const CurrentParticipants& participants,
             const dsig::CurrentTrustStore& trust, HandshakeRefusals& refusals);
  ~ZapHandler();

 private:
  void run();
  static std::string curveKeyProperty(const std::string& z85);

  zmq::socket_t socket_;
  const CurrentParticipants& participants_;
  const dsig::CurrentTrustStore& trust_;
  HandshakeRefusals& refusals_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ozgbus::broker
