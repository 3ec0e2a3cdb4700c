// ParseStage: hardened parse of the raw bytes (limits first, then libxml2 without network, DTDs
// or entities). First in every pipeline.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "core/xml/xml_limits.h"

namespace ozgbus::broker {

class ParseStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  explicit ParseStage(const xml::XmlLimits& limits) : limits_(limits) {}
  std::string_view name() const override { return "parse"; }
  std::string_view traceEvent() const override { return "parsed"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  xml::XmlLimits limits_;
};

}  // namespace ozgbus::broker
