// Encoding and decoding the multipart frames of the wire protocol (docs/protocol.md).
// Stateless functions; a socket passed in is used only by the calling thread, as ZeroMQ requires.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>
#include <zmq.hpp>

#include "core/result.h"
#include "ozgbus.pb.h"

namespace ozgbus::wire {

inline constexpr std::uint32_t kProtocolVersion = v1::PROTOCOL_VERSION_1;

struct Frames {
  v1::Envelope envelope;
  std::vector<zmq::message_t> payloads;  // frame 2..n, untouched
};

// frames: the envelope frame followed by payload frames (a ROUTER's identity frame removed).
// MALFORMED_FRAME when empty or not an Envelope, UNSUPPORTED_VERSION when not version 1.
Result<Frames> decode(std::vector<zmq::message_t>&& frames);

v1::Envelope makeEnvelope(v1::Command command, std::uint64_t correlation_id = 0);

enum class Sent {
  kYes,
  kPeerGone,  // ROUTER_MANDATORY: no connection with that routing id
  kFull,      // not blocking, and the peer's outgoing pipe is at its high-water mark
};

// Sends [identity,] envelope, payloads... as one multipart.
Sent send(zmq::socket_t& socket, const zmq::message_t* identity, const v1::Envelope& envelope,
          std::span<zmq::message_t> payloads = {}, bool blocking = false);

// Receives one whole multipart; empty when none arrives before the socket's own timeout.
std::optional<std::vector<zmq::message_t>> receive(zmq::socket_t& socket,
                                                   zmq::recv_flags flags = zmq::recv_flags::none);

inline std::string_view view(const zmq::message_t& m) {
  return {static_cast<const char*>(m.data()), m.size()};
}

}  // namespace ozgbus::wire
