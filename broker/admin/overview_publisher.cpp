#include "broker/admin/overview_publisher.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {

OverviewPublisher::OverviewPublisher(Sources sources, CurrentOverview& overview,
                                     const util::Clock& clock)
    : sources_(sources), overview_(overview), clock_(clock), started_at_ms_(clock.wallMillis()) {}

void OverviewPublisher::publish() {
  const Dispatcher& dispatcher = sources_.dispatcher;
  const BrokerCounters& counters = sources_.counters;
  auto o = std::make_shared<Overview>();
  o->started_at_ms = started_at_ms_;
  o->now_ms = clock_.wallMillis();
  o->submitted = counters.submitted;
  o->accepted = counters.accepted;
  o->rejected = counters.rejected;
  o->delivered = dispatcher.delivered();
  o->redelivered = dispatcher.redelivered();
  o->dead_lettered = counters.dead_lettered + dispatcher.deadLettered();
  for (const auto& q : dispatcher.queues()) {
    o->queues.push_back({q.name, q.depth, q.in_flight, q.dead, q.consumers, q.oldest_received_ms});
  }
  for (const auto& [identity, s] : sources_.sessions) {
    std::string role = v1::Role_Name(s.role);
    std::transform(role.begin(), role.end(), role.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    o->participants.push_back({s.participant, role, s.connected_at_ms});
  }
  for (const ClusterNode& n : sources_.nodes) {
    o->nodes.push_back({n.name, n.listen, n.alive, n.left, n.this_node, n.seen_ms_ago});
  }
  o->recent_rejections = sources_.rejections.recent();
  o->store_ok = counters.store_ok;
  o->store_journal_bytes = sources_.store.journalBytes().value_or(0);
  o->schemas_loaded = sources_.runtime.schemasLoaded();
  o->adapters_loaded = sources_.runtime.adaptersLoaded();
  o->trust_loaded = sources_.runtime.trustLoaded();
  overview_.replace(std::move(o));
}

void OverviewPublisher::registerGauges(const CurrentOverview& current) {
  auto& reg = brokerMetrics().registry;
  const CurrentOverview* overview = &current;
  reg.computedGauge("ozgbus_queue_depth",
                    "Messages stored and not yet settled, in flight included.", {"queue"},
                    [overview] {
                      std::vector<metrics::GaugeSample> out;
                      for (const auto& q : overview->get()->queues) {
                        out.push_back({{q.name}, static_cast<double>(q.depth)});
                      }
                      return out;
                    });
  reg.computedGauge("ozgbus_queue_dead_letters", "Dead letters waiting for an operator.", {"queue"},
                    [overview] {
                      std::vector<metrics::GaugeSample> out;
                      for (const auto& q : overview->get()->queues)
                        out.push_back({{q.name}, static_cast<double>(q.dead_letters)});
                      return out;
                    });
  reg.computedGauge("ozgbus_queue_oldest_age_seconds",
                    "Age of the oldest unsettled message; 0 when empty.", {"queue"}, [overview] {
                      std::vector<metrics::GaugeSample> out;
                      const auto o = overview->get();
                      for (const auto& q : o->queues) {
                        const double age =
                            q.oldest_received_ms == 0
                                ? 0.0
                                : static_cast<double>(o->now_ms - q.oldest_received_ms) / 1000.0;
                        out.push_back({{q.name}, age});
                      }
                      return out;
                    });
  reg.computedGauge("ozgbus_cluster_node_up",
                    "1 for a node of the cluster that renewed its leases within a lease, else 0 "
                    "(none for a broker on its own).",
                    {"node"}, [overview] {
                      std::vector<metrics::GaugeSample> out;
                      for (const auto& n : overview->get()->nodes)
                        out.push_back({{n.name}, n.alive ? 1.0 : 0.0});
                      return out;
                    });
  reg.computedGauge("ozgbus_store_wal_bytes",
                    "Size of the store's write-ahead log (SQLite); 0 where the engine keeps "
                    "it elsewhere.",
                    {}, [overview] {
                      return std::vector<metrics::GaugeSample>{
                          {{}, static_cast<double>(overview->get()->store_journal_bytes)}};
                    });
  reg.computedGauge("ozgbus_participants_connected", "Open sessions, by role.", {"role"},
                    [overview] {
                      std::map<std::string, double> by_role = {
                          {"portal", 0}, {"backend", 0}, {"observer", 0}, {"peer", 0}};
                      for (const auto& p : overview->get()->participants) by_role[p.role] += 1;
                      std::vector<metrics::GaugeSample> out;
                      for (const auto& [role, n] : by_role) out.push_back({{role}, n});
                      return out;
                    });
}

}  // namespace ozgbus::broker
