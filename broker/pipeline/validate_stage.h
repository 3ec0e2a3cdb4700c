// ValidateStage: the document against the XSD of the namespace its sender speaks (SCHEMA_UNKNOWN,
// SCHEMA_INVALID with line and element path). Validation contexts are per worker thread; the
// registry is shared read-only and may be swapped by a reload between two messages.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "core/schema/schema_registry.h"

namespace ozgbus::broker {

class ValidateStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  explicit ValidateStage(const schema::CurrentRegistry& schemas) : schemas_(schemas) {}
  std::string_view name() const override { return "validate"; }
  std::string_view traceEvent() const override { return "validated"; }
  std::optional<Rejection> process(Message& message) override {
    return validator_.validate(schemas_.get(), message.doc.get());
  }

 private:
  const schema::CurrentRegistry& schemas_;
  schema::SchemaValidator validator_;
};

}  // namespace ozgbus::broker
