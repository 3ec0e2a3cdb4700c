// Replies: how the transport's handlers answer a connection. The router loop sends through its
// ROUTER socket; a handler's unit test records what would have been sent. Transport thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <zmq.hpp>

#include "core/result.h"
#include "core/wire/codec.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

class Replies {
 public:
  virtual ~Replies() = default;
  // False when the peer is gone (the router loop then closes its session).
  virtual bool send(const std::string& identity, const v1::Envelope& e,
                    std::span<zmq::message_t> payloads = {}) = 0;

  bool error(const std::string& identity, std::uint64_t correlation, const Rejection& r) {
    auto e = wire::makeEnvelope(v1::ERROR, correlation);
    e.mutable_error()->set_reason(r.reason);
    e.mutable_error()->set_detail(r.detail);
    return send(identity, e);
  }
  bool submitResult(const std::string& identity, std::uint64_t correlation,
                    const v1::SubmitResult& result) {
    auto e = wire::makeEnvelope(v1::SUBMIT_RESULT, correlation);
    *e.mutable_submit_result() = result;
    return send(identity, e);
  }
};

}  // namespace ozgbus::broker
