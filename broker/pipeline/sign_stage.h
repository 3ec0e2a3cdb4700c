// SignStage: the broker signs the document it will deliver (after translation) with its own key,
// as intermediary. The author's signed original stays with the message (raw) and is delivered
// beside it. Right before persist.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "core/dsig/signer.h"

namespace ozgbus::broker {

class SignStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  explicit SignStage(std::shared_ptr<const dsig::Signer> signer) : signer_(std::move(signer)) {}
  std::string_view name() const override { return "sign"; }
  std::string_view traceEvent() const override { return "signed"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  std::shared_ptr<const dsig::Signer> signer_;
};

}  // namespace ozgbus::broker
