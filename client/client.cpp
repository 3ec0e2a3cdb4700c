#include "client/client.h"

#include "core/wire/codec.h"

namespace ozgbus::client {

using Steady = std::chrono::steady_clock;

Client::Client(const Options& options)
    : options_(options),
      socket_(ctx_, zmq::socket_type::dealer),
      handshake_(ctx_, socket_, !options.server_public_key.empty(), options.public_key,
                 options.endpoint) {
  socket_.set(zmq::sockopt::linger, 1000);
  // A DEALER blocks a send while it has no connected peer (a refused CURVE handshake, a broker
  // that is down): never longer than a request may take.
  socket_.set(zmq::sockopt::sndtimeo, static_cast<int>(options_.timeout.count()));
  socket_.set(zmq::sockopt::sndhwm, 0);
  socket_.set(zmq::sockopt::rcvhwm, 0);
  if (!options_.server_public_key.empty()) {
    socket_.set(zmq::sockopt::curve_serverkey, options_.server_public_key);
    socket_.set(zmq::sockopt::curve_publickey, options_.public_key);
    socket_.set(zmq::sockopt::curve_secretkey, options_.secret_key);
  }
  socket_.connect(options_.endpoint);
}

Client::~Client() {
  if (!welcomed_) {
    socket_.set(zmq::sockopt::linger, 0);  // nothing was said that must still go out
    return;
  }
  if (!said_bye_) {
    try {
      bye();
    } catch (const zmq::error_t&) {
      // Closing anyway; the broker's heartbeat timeout covers it.
    }
  }
}

Result<std::unique_ptr<Client>> Client::connect(const Options& options) {
  std::unique_ptr<Client> c(new Client(options));
  if (auto problem = c->hello()) return *problem;
  return c;
}

std::optional<Rejection> Client::hello() {
  if (auto problem = handshake_.await(Steady::now() + options_.timeout, options_.timeout))
    return problem;
  auto e = wire::makeEnvelope(v1::HELLO);
  v1::Hello* h = e.mutable_hello();
  h->set_participant_id(options_.participant);
  h->set_role(options_.role);
  h->set_credit(options_.credit);
  for (const auto& q : options_.queues) h->add_queues(q);
  h->set_client_name("ozgbus-client/" OZGBUS_VERSION);
  auto answer = exchange(e, v1::WELCOME);
  if (!answer) return answer.rejection();
  welcome_ = answer->envelope.welcome();
  welcomed_ = true;
  return std::nullopt;
}

Result<Incoming> Client::request(v1::Envelope& e, v1::Command answer, std::string_view payload,
                                 bool with_payload) {
  auto r = exchange(e, answer, payload, with_payload);
  // The broker dropped this session (it was silent past the session timeout, or the broker
  // restarted): say HELLO again and repeat the request once.
  if (!r && r.rejection().reason == v1::NOT_REGISTERED) {
    if (auto problem = hello()) return *problem;
    r = exchange(e, answer, payload, with_payload);
  }
  return r;
}

void Client::send(v1::Envelope& e, std::string_view payload, bool with_payload) {
  if (with_payload) {
    zmq::message_t frame(payload.data(), payload.size());
    wire::send(socket_, nullptr, e, std::span<zmq::message_t>(&frame, 1), true);
  } else {
    wire::send(socket_, nullptr, e, {}, true);
  }
  last_sent_ = Steady::now();
}

Result<Incoming> Client::exchange(v1::Envelope& e, v1::Command answer, std::string_view payload,
                                  bool with_payload) {
  const std::uint64_t correlation = next_correlation_++;
  e.set_correlation_id(correlation);
  send(e, payload, with_payload);
  const auto deadline = Steady::now() + options_.timeout;
  std::deque<Incoming> others;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
    if (left.count() <= 0) break;
    auto in = next(left);
    if (!in) continue;
    const v1::Envelope& got = in->envelope;
    if (got.correlation_id() == correlation && got.command() == answer) {
      for (auto& o : others) backlog_.push_back(std::move(o));
      return std::move(*in);
    }
    if (got.correlation_id() == correlation && got.command() == v1::ERROR) {
      for (auto& o : others) backlog_.push_back(std::move(o));
      return reject(got.error().reason(), got.error().detail());
    }
    others.push_back(std::move(*in));
  }
  for (auto& o : others) backlog_.push_back(std::move(o));
  return reject(v1::INTERNAL, "no " + v1::Command_Name(answer) + " from " + options_.endpoint +
                                  " within " + std::to_string(options_.timeout.count()) + " ms");
}

std::optional<Incoming> Client::next(std::chrono::milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  for (;;) {
    heartbeatIfDue();
    // Rounded up: a remainder under 1 ms truncated to 0 would spin in poll until the deadline.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Steady::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    const auto beat = std::chrono::milliseconds(
        welcome_.heartbeat_interval_ms() > 0 ? welcome_.heartbeat_interval_ms() : 1000);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::min(left, beat));
    if (item.revents & ZMQ_POLLIN) {
      auto frames = wire::receive(socket_, zmq::recv_flags::dontwait);
      if (frames) {
        auto decoded = wire::decode(std::move(*frames));
        if (!decoded) continue;  // the broker never sends these; nothing to answer
        if (decoded->envelope.command() == v1::HEARTBEAT) continue;
        if (decoded->envelope.command() == v1::ERROR &&
            decoded->envelope.error().reason() == v1::NOT_REGISTERED) {
          // The broker dropped us or restarted: HELLO again at the next receive(). A request's
          // own ERROR still goes to its caller (a post() was not taken).
          session_lost_ = true;
          if (decoded->envelope.correlation_id() == 0) continue;
        }
        Incoming in{std::move(decoded->envelope), {}};
        for (auto& p : decoded->payloads) in.payloads.emplace_back(wire::view(p));
        return in;
      }
    }
    if (Steady::now() >= deadline) return std::nullopt;
  }
}

void Client::heartbeatIfDue() {
  const auto interval = std::chrono::milliseconds(
      welcome_.heartbeat_interval_ms() > 0 ? welcome_.heartbeat_interval_ms() : 1000);
  if (Steady::now() - last_sent_ >= interval && welcome_.heartbeat_interval_ms() > 0) {
    auto e = wire::makeEnvelope(v1::HEARTBEAT);
    send(e);
  }
}

Result<v1::SubmitResult> Client::submit(std::string_view xml) {
  auto e = wire::makeEnvelope(v1::SUBMIT);
  auto answer = request(e, v1::SUBMIT_RESULT, xml, true);
  if (!answer) return answer.rejection();
  return answer->envelope.submit_result();
}

std::uint64_t Client::post(std::string_view xml) {
  auto e = wire::makeEnvelope(v1::SUBMIT, next_correlation_++);
  send(e, xml, true);
  return e.correlation_id();
}

std::optional<Incoming> Client::receive(std::chrono::milliseconds timeout) {
  if (session_lost_) {
    session_lost_ = false;
    if (hello()) session_lost_ = true;  // broker still away: try again on the next call
  }
  if (!backlog_.empty()) {
    Incoming in = std::move(backlog_.front());
    backlog_.pop_front();
    return in;
  }
  return next(timeout);
}

void Client::ack(std::uint64_t delivery_id) {
  auto e = wire::makeEnvelope(v1::ACK);
  e.mutable_ack()->set_delivery_id(delivery_id);
  send(e);
}

void Client::ackReceipt(std::uint64_t receipt_id) {
  auto e = wire::makeEnvelope(v1::ACK);
  e.mutable_ack()->set_receipt_id(receipt_id);
  send(e);
}

void Client::nack(std::uint64_t delivery_id, ReasonCode reason, const std::string& detail,
                  bool requeue) {
  auto e = wire::makeEnvelope(v1::NACK);
  v1::Nack* n = e.mutable_nack();
  n->set_delivery_id(delivery_id);
  n->set_reason(reason);
  n->set_detail(detail);
  n->set_requeue(requeue);
  send(e);
}

Result<v1::StatusResult> Client::status() {
  auto e = wire::makeEnvelope(v1::STATUS);
  auto answer = request(e, v1::STATUS_RESULT);
  if (!answer) return answer.rejection();
  return answer->envelope.status_result();
}

void Client::bye() {
  said_bye_ = true;
  auto e = wire::makeEnvelope(v1::BYE);
  send(e);
}

}  // namespace ozgbus::client
