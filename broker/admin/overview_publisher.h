// OverviewPublisher: what the transport thread publishes about itself a few times a second —
// totals, queues, participants, recent rejections, readiness — as the Overview snapshot that the
// admin API, the dashboard and the computed gauges of /metrics read from other threads.
// publish() on the transport thread; the gauges it registers read only published snapshots.
#pragma once

#include <cstdint>

#include "broker/delivery/dispatcher.h"
#include "broker/delivery/session.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/monitoring/overview.h"
#include "broker/monitoring/rejection_log.h"
#include "broker/runtime/runtime.h"
#include "broker/store/cluster_link.h"
#include "broker/store/store.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class OverviewPublisher {
 public:
  struct Sources {
    const Dispatcher& dispatcher;
    const Sessions& sessions;
    const BrokerCounters& counters;
    const RejectionLog& rejections;
    const Runtime& runtime;
    const Store& store;                     // its journal size
    const std::vector<ClusterNode>& nodes;  // empty unless a node of several
  };

  OverviewPublisher(Sources sources, CurrentOverview& overview, const util::Clock& clock);

  void publish();
  // The queue and participant gauges of /metrics, computed from `overview` at each scrape.
  // Once per process: the metrics registry is process-wide; `overview` must outlive it.
  static void registerGauges(const CurrentOverview& overview);

 private:
  Sources sources_;
  CurrentOverview& overview_;
  const util::Clock& clock_;
  std::int64_t started_at_ms_;
};

}  // namespace ozgbus::broker
