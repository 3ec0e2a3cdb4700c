#include "broker/pipeline/route_stage.h"

#include "broker/pipeline/stage_registry.h"
#include "broker/runtime/runtime.h"

namespace ozgbus::broker {

Result<StagePtr> RouteStage::create(const StageContext& ctx, const StagePlacement& at) {
  if (!at.before("header")) {
    return stageSettingError(
        ctx, "pipeline.stages: \"route\" needs \"header\" before it (it routes by the reader)");
  }
  return StagePtr(std::make_unique<RouteStage>(ctx.runtime.routes()));
}

std::optional<Rejection> RouteStage::process(Message& message) {
  auto dest = routes_.get()->route(message.header);
  if (!dest) return dest.rejection();
  message.destination = std::move(*dest);
  message.note = "to " + message.destination;
  return std::nullopt;
}

}  // namespace ozgbus::broker
