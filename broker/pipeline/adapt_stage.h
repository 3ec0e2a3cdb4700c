// AdaptStage: translates the message for its destination's jurisdiction. The adapter is the
// one with the longest ARS prefix of the reader; its mapping for the message's namespace and
// type runs, and the result must carry the same message and validate against the receiver's
// schema. No mapping: NO_ADAPTER_MAPPING at once. A failing stylesheet or an invalid result is
// not the portal's fault: the message is accepted and kept as a dead letter with the reason,
// to be replayed once the adapter is fixed.
#pragma once

#include "broker/adapt/adapter_set.h"
#include "broker/pipeline/current_header_reader.h"
#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "core/schema/schema_registry.h"

namespace ozgbus::broker {

class AdaptStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  AdaptStage(const CurrentAdapters& adapters, const schema::CurrentRegistry& schemas,
             const util::Snapshot<xoev::HeaderMappings>& headers)
      : adapters_(adapters), schemas_(schemas), headers_(headers) {}
  std::string_view name() const override { return "adapt"; }
  std::string_view traceEvent() const override { return "adapted"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  // The translated document, or why it cannot stand in for the original.
  std::optional<Rejection> checkOutput(const Message& message, const CompiledMapping& mapping,
                                       xmlDoc* out, xoev::Header& header);

  const CurrentAdapters& adapters_;
  const schema::CurrentRegistry& schemas_;
  schema::SchemaValidator validator_;  // per thread
  CurrentHeaderReader headers_;        // the output's header, as the receiver's standard has it
};

}  // namespace ozgbus::broker
