// VerifyStage: the submission's XML signature must verify against the trust store, and its
// certificate must belong to a registered participant. Runs on the parsed document that every
// later stage reads, so what was verified is what is validated, routed and stored. The
// participant is then checked against the header's author by the header stage (which must come
// after it).
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "broker/security/participant_registry.h"
#include "core/dsig/trust_store.h"
#include "core/dsig/verifier.h"

namespace ozgbus::broker {

class VerifyStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  VerifyStage(const dsig::CurrentTrustStore& trust, const CurrentParticipants& participants,
              dsig::VerifierOptions options)
      : trust_(trust), participants_(participants), verifier_(options) {}
  std::string_view name() const override { return "verify"; }
  std::string_view traceEvent() const override { return "verified"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  const dsig::CurrentTrustStore& trust_;
  const CurrentParticipants& participants_;
  dsig::Verifier verifier_;  // per thread: its context and certificate cache
};

}  // namespace ozgbus::broker
