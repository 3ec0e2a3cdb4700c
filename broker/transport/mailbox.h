// Mailbox: how worker and committer threads hand events to the transport thread. The transport
// binds the PULL end and polls it beside its ROUTER socket; each other thread owns one Poster
// (a PUSH socket, created on the transport thread before the worker starts and used only by it
// afterwards — thread start is the full fence ZeroMQ requires to move a socket).
// Events travel as pointers: in-process, no copy, no serialization.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "broker/monitoring/admin_request.h"
#include "broker/store/records.h"
#include "core/result.h"

namespace ozgbus::broker {

struct SubmitRejected {
  std::string identity;
  std::uint64_t correlation = 0;
  std::string message_uuid;
  Rejection rejection;
  std::string sender;
};

struct Event {
  std::vector<SubmitRejected> rejected;
  std::unique_ptr<CommitOutcome> commit;
  std::unique_ptr<AdminRequest> admin;  // from the HTTP thread
};

class MailboxPoster {
 public:
  MailboxPoster(zmq::context_t& ctx, const std::string& endpoint)
      : push_(ctx, zmq::socket_type::push) {
    push_.set(zmq::sockopt::sndhwm, 0);  // never drop: the transport drains it every loop
    push_.connect(endpoint);
  }
  void post(std::unique_ptr<Event> event) {
    Event* raw = event.release();
    push_.send(zmq::buffer(&raw, sizeof raw), zmq::send_flags::none);
  }

 private:
  zmq::socket_t push_;
};

class Mailbox {
 public:
  Mailbox(zmq::context_t& ctx, std::string endpoint)
      : ctx_(ctx), endpoint_(std::move(endpoint)), pull_(ctx, zmq::socket_type::pull) {
    pull_.set(zmq::sockopt::rcvhwm, 0);
    pull_.bind(endpoint_);
  }
  ~Mailbox() {
    while (auto e = tryTake()) {
    }
  }

  std::unique_ptr<MailboxPoster> poster() {
    return std::make_unique<MailboxPoster>(ctx_, endpoint_);
  }
  zmq::socket_t& socket() { return pull_; }

  std::unique_ptr<Event> tryTake() {
    zmq::message_t m;
    if (!pull_.recv(m, zmq::recv_flags::dontwait) || m.size() != sizeof(Event*)) return nullptr;
    Event* raw = nullptr;
    std::memcpy(&raw, m.data(), sizeof raw);
    return std::unique_ptr<Event>(raw);
  }

 private:
  zmq::context_t& ctx_;
  std::string endpoint_;
  zmq::socket_t pull_;
};

}  // namespace ozgbus::broker
