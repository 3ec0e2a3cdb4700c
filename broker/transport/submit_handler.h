// SubmitHandler: SUBMIT — a portal (or a peer broker) hands in a document. Checked here: the
// connection's role, that the broker is not stopping, one payload frame, its size, the
// participant's rate; then it goes to the pipeline, and SUBMIT_RESULT follows from the pipeline's
// refusal or the commit (OutcomeHandler). Transport thread only.
#pragma once

#include <functional>

#include "broker/config/config.h"
#include "broker/delivery/session.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/monitoring/rejection_log.h"
#include "broker/pipeline/message.h"
#include "broker/security/submit_limiter.h"
#include "broker/transport/replies.h"
#include "core/util/clock.h"
#include "core/wire/codec.h"

namespace ozgbus::broker {

class SubmitHandler {
 public:
  struct Context {
    const BrokerConfig& config;  // limits
    SubmitLimiter& limiter;
    const bool& draining;  // the broker is stopping: nothing new is taken
    Replies& replies;
    RejectionLog& rejections;
    BrokerCounters& counters;
    std::function<void(Message)> pipeline;  // hands the message to the workers
    const util::Clock& clock;
    std::uint64_t& bytes_in_flight;  // of all connections' submissions not yet answered
  };

  explicit SubmitHandler(Context c) : c_(std::move(c)) {}
  void handle(Session& s, wire::Frames& f);

 private:
  void refuse(const Session& s, std::uint64_t correlation, ReasonCode reason, std::string detail);
  Context c_;
};

}  // namespace ozgbus::broker
