#include "broker/pipeline/sign_stage.h"

#include "broker/pipeline/stage_registry.h"
#include "broker/runtime/runtime.h"

namespace ozgbus::broker {

Result<StagePtr> SignStage::create(const StageContext& ctx, const StagePlacement& at) {
  if (!ctx.runtime.signer()) {
    return stageSettingError(
        ctx,
        "signatures.broker_key and signatures.broker_certificate are required when "
        "pipeline.stages has \"sign\"");
  }
  if (at.index + 2 != at.names.size()) {
    return stageSettingError(
        ctx,
        "pipeline.stages: \"sign\" must come right before \"persist\" (it signs what is "
        "delivered, after every change)");
  }
  return StagePtr(std::make_unique<SignStage>(ctx.runtime.signer()));
}

std::optional<Rejection> SignStage::process(Message& message) {
  if (auto r = signer_->sign(message.doc.get())) return r;
  message.note = "by the broker (" + signer_->subject() + ")";
  message.delivered = std::make_shared<const std::string>(dsig::serialize(message.doc.get()));
  return std::nullopt;
}

}  // namespace ozgbus::broker
