// OutcomeHandler: what comes back to the transport thread about messages it handed on — a
// refusal from the pipeline, a group commit's outcome from the store — turned into answers
// (SUBMIT_RESULT to the portal, the operator's reply for a replay), deliveries (the dispatcher
// learns of what is now durable), receipts to send, and counts. Transport thread only.
#pragma once

#include <cstdint>

#include "broker/admin/dead_letters.h"
#include "broker/delivery/dispatcher.h"
#include "broker/delivery/receipt_outbox.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/monitoring/flow_events.h"
#include "broker/monitoring/rejection_log.h"
#include "broker/pipeline/message.h"
#include "broker/security/submit_limiter.h"
#include "broker/store/retention.h"
#include "broker/transport/replies.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class OutcomeHandler {
 public:
  struct Context {
    Replies& replies;
    SubmitLimiter& limiter;
    RejectionLog& rejections;
    BrokerCounters& counters;
    Dispatcher& dispatcher;
    ReceiptOutbox& outbox;
    DeadLetterAdmin& dead_letters;
    Retention& retention;
    FlowEvents* events;          // null: flow events off
    std::uint64_t& in_pipeline;  // messages handed to the workers and not yet answered
    const util::Clock& clock;
    std::uint64_t& bytes_in_flight;  // what the submit handler counted, given back here
  };

  explicit OutcomeHandler(Context c) : c_(c) {}
  void refused(Refusal& r);
  void committed(CommitOutcome& outcome);

 private:
  void inserted(InsertOutcome& o);
  void noteCommitHealth(const CommitOutcome& outcome);
  Context c_;
  util::SteadyTime next_failure_log_{};
};

}  // namespace ozgbus::broker
