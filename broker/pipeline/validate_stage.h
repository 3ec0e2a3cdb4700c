// ValidateStage: the document against the XSD of the namespace its sender speaks (SCHEMA_UNKNOWN,
// SCHEMA_INVALID with line and element path). Validation contexts are per worker thread;
// the registry is shared read-only and may be swapped by a reload between two messages.
#pragma once

#include "broker/pipeline/stage.h"
#include "core/schema/schema_registry.h"

namespace ozgbus::broker {

class ValidateStage final : public Stage {
 public:
  explicit ValidateStage(const schema::CurrentRegistry& schemas) : schemas_(schemas) {}
  std::string_view name() const override { return "validate"; }
  std::optional<Rejection> process(Message& message) override {
    return validator_.validate(schemas_.current(), message.doc.get());
  }

 private:
  const schema::CurrentRegistry& schemas_;
  schema::SchemaValidator validator_;
};

}  // namespace ozgbus::broker
