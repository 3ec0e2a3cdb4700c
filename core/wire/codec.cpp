#include "core/wire/codec.h"

#include <string>

namespace ozgbus::wire {

Result<Frames> decode(std::vector<zmq::message_t>&& frames) {
  if (frames.empty()) return reject(v1::MALFORMED_FRAME, "empty message: no envelope frame");
  Frames out;
  const zmq::message_t& head = frames.front();
  if (head.size() == 0) {
    return reject(v1::MALFORMED_FRAME,
                  "frame 1 is empty; it must be an Envelope (a REQ socket adds an empty "
                  "delimiter frame: use DEALER)");
  }
  if (!out.envelope.ParseFromArray(head.data(), static_cast<int>(head.size()))) {
    return reject(v1::MALFORMED_FRAME, "frame 1 (" + std::to_string(head.size()) +
                                           " bytes) is not a protobuf ozgbus.v1.Envelope");
  }
  if (out.envelope.protocol_version() != kProtocolVersion) {
    return reject(v1::UNSUPPORTED_VERSION, "protocol version " +
                                               std::to_string(out.envelope.protocol_version()) +
                                               " is not supported; this broker speaks version " +
                                               std::to_string(kProtocolVersion));
  }
  out.payloads.reserve(frames.size() - 1);
  for (std::size_t i = 1; i < frames.size(); ++i) out.payloads.push_back(std::move(frames[i]));
  return out;
}

v1::Envelope makeEnvelope(v1::Command command, std::uint64_t correlation_id) {
  v1::Envelope e;
  e.set_protocol_version(kProtocolVersion);
  e.set_command(command);
  e.set_correlation_id(correlation_id);
  return e;
}

Sent send(zmq::socket_t& socket, const zmq::message_t* identity, const v1::Envelope& envelope,
          std::span<zmq::message_t> payloads, bool blocking) {
  zmq::message_t head(envelope.ByteSizeLong());
  envelope.SerializeToArray(head.data(), static_cast<int>(head.size()));
  const zmq::send_flags base = blocking ? zmq::send_flags::none : zmq::send_flags::dontwait;
  const auto more = [base](bool last) { return last ? base : zmq::send_flags::sndmore | base; };
  // A ROUTER accepts the routing id frame only when the whole message can go: a message is never
  // cut in half.
  try {
    if (identity) {
      zmq::message_t id(identity->data(), identity->size());
      if (!socket.send(id, more(false))) return Sent::kFull;
    }
    if (!socket.send(head, more(payloads.empty()))) return Sent::kFull;
    for (std::size_t i = 0; i < payloads.size(); ++i) {
      if (!socket.send(payloads[i], more(i + 1 == payloads.size()))) return Sent::kFull;
    }
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) return Sent::kPeerGone;
    if (e.num() == EAGAIN) return Sent::kFull;
    throw;
  }
  return Sent::kYes;
}

std::optional<std::vector<zmq::message_t>> receive(zmq::socket_t& socket, zmq::recv_flags flags) {
  std::vector<zmq::message_t> frames;
  do {
    zmq::message_t m;
    if (!socket.recv(m, frames.empty() ? flags : zmq::recv_flags::none)) return std::nullopt;
    frames.push_back(std::move(m));
  } while (socket.get(zmq::sockopt::rcvmore));
  return frames;
}

}  // namespace ozgbus::wire
