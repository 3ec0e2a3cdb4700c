#include "broker/pipeline/parse_stage.h"

#include "broker/runtime/runtime.h"
#include "core/xml/secure_parser.h"

namespace ozgbus::broker {

Result<StagePtr> ParseStage::create(const StageContext& ctx, const StagePlacement&) {
  return StagePtr(std::make_unique<ParseStage>(ctx.runtime.config().limits));
}

std::optional<Rejection> ParseStage::process(Message& message) {
  auto doc = xml::parseSecure(*message.raw, limits_);
  if (!doc) return doc.rejection();
  message.doc = std::move(*doc);
  return std::nullopt;
}

}  // namespace ozgbus::broker
