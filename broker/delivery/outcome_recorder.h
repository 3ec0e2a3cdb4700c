// OutcomeRecorder: the path every delivery outcome takes to the store — a settle (delivered,
// rejected by the receiver, dead-lettered), a failed attempt, a receipt's ACK. Each is told to
// the flow-event stream (only while someone watches it) and queued for the next group commit.
// The dispatcher and the receipt outbox write through it. Transport thread only.
#pragma once

#include "broker/monitoring/flow_events.h"
#include "broker/store/commit_queue.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class OutcomeRecorder final : public CommitQueue {
 public:
  // events may be null (flow events off).
  OutcomeRecorder(CommitQueue& commits, FlowEvents* events, const util::Clock& clock)
      : commits_(commits), events_(events), clock_(clock) {}

  void enqueue(StoreOp op) override;

 private:
  CommitQueue& commits_;
  FlowEvents* events_;
  const util::Clock& clock_;
};

}  // namespace ozgbus::broker
