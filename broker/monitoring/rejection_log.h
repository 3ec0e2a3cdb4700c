// RejectionLog: every submission the broker refused — counted (totals, and
// ozgbus_messages_rejected_total by reason), told to the flow-event stream, and the last 50
// kept for the dashboard and the trace API. Transport thread only.
#pragma once

#include <deque>
#include <string>

#include "broker/monitoring/broker_counters.h"
#include "broker/monitoring/flow_events.h"
#include "broker/monitoring/overview.h"
#include "core/result.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class RejectionLog {
 public:
  // events may be null (flow events off).
  RejectionLog(BrokerCounters& counters, FlowEvents* events, const util::Clock& clock)
      : counters_(counters), events_(events), clock_(clock) {}

  void note(const std::string& sender, const std::string& uuid, const Rejection& r);
  // Newest first, at most kRecentRejections.
  const std::deque<Overview::Rejection>& recent() const { return recent_; }

 private:
  BrokerCounters& counters_;
  FlowEvents* events_;
  const util::Clock& clock_;
  std::deque<Overview::Rejection> recent_;
};

}  // namespace ozgbus::broker
