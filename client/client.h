// Client: the C++ client library for ozgbus (used by the `ozgbus` CLI, the demo, the tests and
// the benchmarks). One Client owns one DEALER connection and is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "client/handshake.h"
#include "core/result.h"
#include "ozgbus.pb.h"

namespace ozgbus::client {

struct Options {
  std::string endpoint = "tcp://127.0.0.1:7755";
  std::string participant;
  v1::Role role = v1::PORTAL;
  std::uint32_t credit = 0;         // back-end: 0 = broker default
  std::vector<std::string> queues;  // back-end: empty = the queue named like the participant
  std::chrono::milliseconds timeout{10000};  // for HELLO and synchronous requests
  // CURVE (Z85): all three set = encrypted and authenticated; all empty = plain (insecure broker)
  std::string server_public_key;
  std::string public_key;
  std::string secret_key;
};

// Something the broker sent that was not the answer to a synchronous request:
// DELIVER, RECEIPT, SUBMIT_RESULT of post(), or ERROR.
struct Incoming {
  v1::Envelope envelope;
  std::vector<std::string> payloads;
};

class Client {
 public:
  // Connects and says HELLO; the rejection carries the broker's ERROR, why the handshake failed
  // (CURVE expected but no keys given, a key the broker does not know, ...), or that nothing
  // answered within options.timeout.
  static Result<std::unique_ptr<Client>> connect(const Options& options);
  ~Client();

  // Submits and waits for SUBMIT_RESULT (the broker answers ACCEPTED only once it is durable).
  Result<v1::SubmitResult> submit(std::string_view xml);
  // Submits without waiting; the SUBMIT_RESULT comes through receive() with this correlation id.
  std::uint64_t post(std::string_view xml);

  // The next DELIVER, RECEIPT, SUBMIT_RESULT or ERROR; empty after timeout. Sends HEARTBEATs
  // while it waits, and says HELLO again if the broker dropped the session (restart, timeout).
  std::optional<Incoming> receive(std::chrono::milliseconds timeout);

  void ack(std::uint64_t delivery_id);
  void ackReceipt(std::uint64_t receipt_id);
  void nack(std::uint64_t delivery_id, ReasonCode reason, const std::string& detail, bool requeue);
  Result<v1::StatusResult> status();
  // Tells the broker to hand this connection's deliveries to others now.
  void bye();

  const v1::Welcome& welcome() const { return welcome_; }

 private:
  explicit Client(const Options& options);
  void send(v1::Envelope& e, std::string_view payload = {}, bool with_payload = false);
  // Sends and waits for the answer with the same correlation id; other arrivals are kept for
  // receive(). request() also recovers from a dropped session by saying HELLO again.
  Result<Incoming> exchange(v1::Envelope& e, v1::Command answer, std::string_view payload = {},
                            bool with_payload = false);
  Result<Incoming> request(v1::Envelope& e, v1::Command answer, std::string_view payload = {},
                           bool with_payload = false);
  std::optional<Rejection> hello();
  std::optional<Incoming> next(std::chrono::milliseconds timeout);
  void heartbeatIfDue();

  Options options_;
  zmq::context_t ctx_{1};
  zmq::socket_t socket_;
  Handshake handshake_;
  std::deque<Incoming> backlog_;
  std::uint64_t next_correlation_ = 1;
  std::chrono::steady_clock::time_point last_sent_;
  v1::Welcome welcome_;
  bool said_bye_ = false;
  bool welcomed_ = false;      // a HELLO was answered at least once
  bool session_lost_ = false;  // the broker no longer knows this connection: HELLO again
};

}  // namespace ozgbus::client
