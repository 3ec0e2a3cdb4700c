// RouteStage: picks the destination queue from the routing table (after the header stage).
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "broker/routing/routing_table.h"
#include "core/util/snapshot.h"

namespace ozgbus::broker {

class RouteStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  explicit RouteStage(const util::Snapshot<RoutingTable>& routes) : routes_(routes) {}
  std::string_view name() const override { return "route"; }
  std::string_view traceEvent() const override { return "routed"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  const util::Snapshot<RoutingTable>& routes_;  // the table in force: SIGHUP replaces it
};

}  // namespace ozgbus::broker
