#include "broker/security/zap_handler.h"

#include "core/wire/codec.h"

namespace ozgbus::broker {

ZapHandler::ZapHandler(zmq::context_t& ctx, const CurrentParticipants& participants,
                       const dsig::CurrentTrustStore& trust, HandshakeRefusals& refusals)
    : socket_(ctx, zmq::socket_type::rep),
      participants_(participants),
      trust_(trust),
      refusals_(refusals) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::rcvtimeo, 100);  // to notice stop_
  socket_.bind("inproc://zeromq.zap.01");
  thread_ = std::thread([this] { run(); });
}

ZapHandler::~ZapHandler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

// ZMTP property list with one entry, X-Curve-Key: the key the connection authenticated with,
// readable on every frame (zmq_msg_gets), so a rotated key can be told from the current one.
std::string ZapHandler::curveKeyProperty(const std::string& z85) {
  const std::string name = kCurveKeyProperty;
  std::string out;
  out.push_back(static_cast<char>(name.size()));
  out += name;
  const auto n = static_cast<std::uint32_t>(z85.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xFF));
  out += z85;
  return out;
}

void ZapHandler::run() {
  while (!stop_) {
    auto frames = wire::receive(socket_);
    if (!frames) continue;
    // Request: version, request id, domain, address, identity, mechanism, credentials...
    auto text = [&](std::size_t i) {
      return i < frames->size() ? std::string(wire::view((*frames)[i])) : std::string();
    };
    std::string status = "400", reason = "unknown CURVE key", user, metadata;
    if (frames->size() >= 7 && text(0) == "1.0" && text(5) == "CURVE" &&
        (*frames)[6].size() == 32) {
      char z85[41] = {};
      zmq_z85_encode(z85, static_cast<const uint8_t*>((*frames)[6].data()), 32);
      const auto reg = participants_.get();  // keeps the registry alive while p points into it
      const Participant* p = reg->byCurveKey(z85);
      const auto trust = trust_.get();
      const std::optional<std::string> unusable =
          p != nullptr ? reg->refusal(*p, trust.get()) : std::nullopt;
      // The flow-event stream shows every message's way: for observers (operators) only.
      if (p != nullptr && text(2) == kEventsDomain && p->role != v1::OBSERVER) {
        reason = "only observers may subscribe to flow events";
        refusals_.note(HandshakeRefusals::kNotObserver, "a client at " + text(3),
                       "flow-event subscription by " + p->id + ", role " + v1::Role_Name(p->role) +
                           ", not OBSERVER");
      } else if (unusable) {
        reason = "participant not usable";
        refusals_.note(HandshakeRefusals::kNotUsable, "a client at " + text(3), *unusable);
      } else if (p != nullptr) {
        status = "200";
        reason = "OK";
        user = p->id;
        metadata = curveKeyProperty(z85);
      } else {
        refusals_.note(HandshakeRefusals::kUnknownKey, "a client at " + text(3),
                       std::string("CURVE key ") + z85 + " is not in the participant registry");
      }
    } else {
      reason = "CURVE required";
      refusals_.note(HandshakeRefusals::kNotCurve, "a client at " + text(3),
                     "mechanism " + text(5) + " (CURVE required)");
    }
    const std::string reply[] = {"1.0", text(1), status, reason, user, metadata};
    for (std::size_t i = 0; i < 6; ++i) {
      socket_.send(zmq::buffer(reply[i]), i < 5 ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
}

}  // namespace ozgbus::broker
