// Pipeline: the ordered stages named in ozgbus.toml ([pipeline] stages), built per worker thread
// from the StageRegistry. Adding a stage is a new file and one line in builtin_stages.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker/config/config.h"
#include "broker/pipeline/stage.h"
#include "broker/routing/routing_table.h"
#include "broker/adapt/adapter_set.h"
#include "broker/monitoring/metrics.h"
#include "broker/security/participant_registry.h"
#include "core/dsig/signer.h"
#include "core/dsig/trust_store.h"
#include "broker/store/group_committer.h"
#include "broker/util/clock.h"
#include "core/schema/schema_registry.h"

namespace ozgbus::broker {

// What a stage may use: all shared, read-only or thread-safe.
struct StageContext {
  const BrokerConfig& config;
  const RoutingTable& routes;
  GroupCommitter& committer;
  const schema::CurrentRegistry& schemas;
  const CurrentParticipants& participants;
  bool secure;  // CURVE on: the connection's participant is authenticated
  const dsig::CurrentTrustStore& trust;
  std::shared_ptr<const dsig::Signer> signer;  // the broker's key, when configured
  const CurrentAdapters& adapters;
  const Clock& clock;  // stamps the trace lines
};

class Pipeline {
 public:
  Pipeline(std::vector<std::unique_ptr<Stage>> stages, const Clock& clock)
      : stages_(std::move(stages)), clock_(&clock) {}
  // Runs every stage in order; the first rejection ends the run.
  std::optional<Rejection> run(Message& message);
  const std::vector<std::unique_ptr<Stage>>& stages() const { return stages_; }

 private:
  std::vector<std::unique_ptr<Stage>> stages_;
  const Clock* clock_;
  std::vector<metrics::Histogram*> timers_;  // per stage, ozgbus_stage_duration_seconds
};

class StageRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Stage>(const StageContext&)>;

  // parse, route, persist (and what later issues add).
  static const StageRegistry& builtin();

  void add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }
  // Unknown names, a list not starting with parse or not ending with persist: a rejection
  // naming the stage.
  Result<Pipeline> build(const std::vector<std::string>& names, const StageContext& ctx) const;

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace ozgbus::broker
