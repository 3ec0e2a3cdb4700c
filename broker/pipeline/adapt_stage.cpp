#include "broker/pipeline/adapt_stage.h"

#include "broker/pipeline/stage_registry.h"
#include "broker/runtime/runtime.h"
#include "core/xoev/header.h"

namespace ozgbus::broker {

Result<StagePtr> AdaptStage::create(const StageContext& ctx, const StagePlacement& at) {
  if (ctx.runtime.config().adapter_folders.empty()) {
    return stageSettingError(ctx,
                             "adapters.folders is required when pipeline.stages has \"adapt\"");
  }
  if (!at.has("validate")) {
    return stageSettingError(
        ctx,
        "pipeline.stages with \"adapt\" needs \"validate\" too (and [schemas] for every "
        "adapter output)");
  }
  return StagePtr(std::make_unique<AdaptStage>(ctx.runtime.adapters(), ctx.runtime.schemas(),
                                               ctx.runtime.headers()));
}

std::optional<Rejection> AdaptStage::process(Message& message) {
  const auto set = adapters_.get();
  if (!set) return reject(v1::INTERNAL, "no adapters loaded");
  const xoev::Header& h = message.header;
  const Adapter* adapter = set->forReader(xoev::arsDigits(h.reader));
  if (adapter == nullptr) {
    return reject(v1::NO_ADAPTER_MAPPING,
                  "no adapter serves reader '" + h.reader +
                      "' (an adapter with ars_prefixes = [\"\"] serves all)");
  }
  const std::string& name = adapter->manifest.name;
  const CompiledMapping* mapping = adapter->find(h.namespace_uri, h.message_type);
  if (mapping == nullptr) {
    if (adapter->manifest.pass_through_unmapped) {
      message.adapted_by = name + " (pass-through)";
      message.note = "by " + message.adapted_by;
      return std::nullopt;
    }
    return reject(v1::NO_ADAPTER_MAPPING, "adapter '" + name + "' (reader '" + h.reader +
                                              "') has no mapping for " + h.namespace_uri +
                                              " message type " + h.message_type + "; it maps " +
                                              adapter->describeMappings());
  }
  if (!mapping->style) {
    message.adapted_by = name + " (pass-through)";
    message.note = "by " + message.adapted_by;
    return std::nullopt;
  }
  auto out = AdapterSet::translate(*mapping, message.doc.get());
  xoev::Header header;
  if (!out) {
    message.dead_letter =
        reject(v1::ADAPTER_FAILED, "adapter '" + name + "': " + out.rejection().detail);
  } else if (auto bad = checkOutput(message, *mapping, out->get(), header)) {
    message.dead_letter =
        reject(v1::ADAPTER_OUTPUT_INVALID, "adapter '" + name + "', " +
                                               mapping->spec.stylesheet.filename().string() + ": " +
                                               bad->detail);
  } else {
    message.doc = std::move(*out);
    message.header = std::move(header);
    message.translated = true;
    message.adapted_by = name + " (" + mapping->spec.stylesheet.filename().string() + ")";
  }
  message.note = message.dead_letter ? message.dead_letter->toString() : "by " + message.adapted_by;
  return std::nullopt;
}

std::optional<Rejection> AdaptStage::checkOutput(const Message& message,
                                                 const CompiledMapping& mapping, xmlDoc* out,
                                                 xoev::Header& header) {
  auto h = headers_.read(out);
  if (!h) return h.rejection();
  const xoev::Header& in = message.header;
  if (h->namespace_uri != mapping.spec.output || h->message_type != mapping.spec.output_type) {
    return reject(v1::ADAPTER_OUTPUT_INVALID, "output is " + h->namespace_uri + " type " +
                                                  h->message_type + ", the manifest promises " +
                                                  mapping.spec.output + " type " +
                                                  mapping.spec.output_type);
  }
  if (h->message_uuid != in.message_uuid || h->author != in.author || h->reader != in.reader) {
    return reject(v1::ADAPTER_OUTPUT_INVALID,
                  "output changed the header's message id, author or reader");
  }
  const auto registry = schemas_.get();
  if (!registry) return reject(v1::ADAPTER_OUTPUT_INVALID, "no schemas loaded to check the output");
  if (auto invalid = validator_.validate(registry, out)) return invalid;
  header = std::move(*h);
  return std::nullopt;
}

}  // namespace ozgbus::broker
