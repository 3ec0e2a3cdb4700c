// HeaderStage: reads the message header that routing, dedupe and receipts use: nachrichtenkopf.g2g,
// or where the root namespace's [[headers]] mapping says.
// After validate when the pipeline validates, so a schema error is reported as such. The
// header's author must be the participant whose certificate signed the document (when the
// pipeline verifies) and, with transport security on, the connection's participant; a portal
// registered for certain services may submit only those.
#pragma once

#include "broker/pipeline/current_header_reader.h"
#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "broker/security/participant_registry.h"

namespace ozgbus::broker {

class HeaderStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  HeaderStage(const CurrentParticipants& participants,
              const util::Snapshot<xoev::HeaderMappings>& headers, bool secure)
      : participants_(participants), headers_(headers), secure_(secure) {}
  std::string_view name() const override { return "header"; }
  std::string_view traceEvent() const override { return "header_read"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  const CurrentParticipants& participants_;
  CurrentHeaderReader headers_;
  bool secure_;
};

}  // namespace ozgbus::broker
