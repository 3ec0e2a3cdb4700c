#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {

BrokerMetrics::BrokerMetrics()
    : submitted(registry.counter("ozgbus_messages_submitted_total",
                                 "Submissions received from portals.")),
      accepted(registry.counter(
          "ozgbus_messages_accepted_total",
          "Submissions stored durably and answered ACCEPTED (duplicates included).",
          {"destination", "message_type"})),
      rejected(registry.counter("ozgbus_messages_rejected_total",
                                "Submissions answered REJECTED, by reason code.", {"reason"})),
      delivered(registry.counter("ozgbus_messages_delivered_total",
                                 "Deliveries acknowledged by a back-end.", {"destination"})),
      redelivered(registry.counter(
          "ozgbus_messages_redelivered_total",
          "Deliveries that failed (timeout, disconnect, NACK with requeue) and go again.",
          {"destination"})),
      dead_lettered(registry.counter("ozgbus_messages_dead_lettered_total",
                                     "Messages moved to the dead-letter queue.",
                                     {"destination", "reason"})),
      flow_events_dropped(
          registry.counter("ozgbus_flow_events_dropped_total",
                           "Transitions not published because the event publisher fell behind.")),
      handshakes_refused(
          registry.counter("ozgbus_handshakes_refused_total",
                           "Connections refused before HELLO (unknown CURVE key, no CURVE, "
                           "failed CURVE handshake, a non-observer on the event stream).",
                           {"reason"})),
      stage_seconds(registry.histogram("ozgbus_stage_duration_seconds",
                                       "Time a pipeline stage took per message.",
                                       metrics::decadeBuckets(-5, 0), {"stage"})),
      commit_seconds(registry.histogram("ozgbus_store_commit_duration_seconds",
                                        "Time of one group commit, fsync included.",
                                        metrics::decadeBuckets(-5, 0))),
      commit_batch(registry.histogram("ozgbus_store_commit_batch_size",
                                      "Operations in one group commit.",
                                      metrics::exponentialBuckets(1, 2, 13))),
      commit_failures(
          registry.counter("ozgbus_store_commit_failures_total",
                           "Group commits that failed (disk full, I/O error); their settles are "
                           "retried, their submissions answered STORE_FAILED.")),
      damaged(
          registry.counter("ozgbus_store_damaged_total",
                           "Stored messages that could not be read back or failed their digest: "
                           "held as dead letters (STORE_CORRUPT), never delivered.",
                           {"queue"})),
      sessions_dropped(
          registry.counter("ozgbus_sessions_dropped_total",
                           "Sessions the broker closed itself: its outgoing queue to the "
                           "client stayed full, the client vanished, or another connection "
                           "used its routing id.",
                           {"reason"})),
      receipt_signing_failures(
          registry.counter("ozgbus_receipt_signing_failures_total",
                           "Receipts the broker could not sign: held back, never sent unsigned.")) {
  registry.gauge("ozgbus_build_info", "The broker's version.", {"version"})
      .with({OZGBUS_VERSION})
      .set(1);
}

BrokerMetrics& brokerMetrics() {
  static BrokerMetrics m;
  return m;
}

}  // namespace ozgbus::broker
