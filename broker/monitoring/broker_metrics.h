// The broker's metrics, registered once in one process-wide registry that /metrics renders.
// Updated from the transport, worker and committer threads (the families are thread-safe);
// gauges that describe the transport's state (queues, participants) are computed at render
// time from the last published overview, so the HTTP thread never touches transport state.
#pragma once

#include "broker/monitoring/metrics.h"

namespace ozgbus::broker {

struct BrokerMetrics {
  metrics::Registry registry;
  metrics::Family<metrics::Counter>& submitted;                 // {}
  metrics::Family<metrics::Counter>& accepted;                  // {destination, message_type}
  metrics::Family<metrics::Counter>& rejected;                  // {reason}
  metrics::Family<metrics::Counter>& delivered;                 // {destination}
  metrics::Family<metrics::Counter>& redelivered;               // {destination}
  metrics::Family<metrics::Counter>& dead_lettered;             // {destination, reason}
  metrics::Family<metrics::Counter>& flow_events_dropped;       // {}
  metrics::Family<metrics::Counter>& handshakes_refused;        // {reason}
  metrics::Family<metrics::Histogram>& stage_seconds;           // {stage}
  metrics::Family<metrics::Histogram>& commit_seconds;          // {}
  metrics::Family<metrics::Histogram>& commit_batch;            // {}
  metrics::Family<metrics::Counter>& commit_failures;           // {}
  metrics::Family<metrics::Counter>& damaged;                   // {queue}
  metrics::Family<metrics::Counter>& sessions_dropped;          // {reason}
  metrics::Family<metrics::Counter>& receipt_signing_failures;  // {}

  BrokerMetrics();
};

BrokerMetrics& brokerMetrics();

}  // namespace ozgbus::broker
