#include "broker/pipeline/validate_stage.h"

#include "broker/pipeline/stage_registry.h"
#include "broker/runtime/runtime.h"

namespace ozgbus::broker {

Result<StagePtr> ValidateStage::create(const StageContext& ctx, const StagePlacement&) {
  const SchemaConfig& s = ctx.runtime.config().schemas;
  if (s.catalogs.empty() || s.namespaces.empty()) {
    return stageSettingError(
        ctx, "schemas needs catalogs and namespaces when pipeline.stages has \"validate\"");
  }
  return StagePtr(std::make_unique<ValidateStage>(ctx.runtime.schemas()));
}

}  // namespace ozgbus::broker
