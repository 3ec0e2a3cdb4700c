#include "broker/pipeline/stage_registry.h"

#include "broker/runtime/runtime.h"

namespace ozgbus::broker {

Rejection stageSettingError(const StageContext& ctx, const std::string& what) {
  return reject(v1::REASON_UNSPECIFIED, ctx.runtime.config().source.string() + ": " + what);
}

Result<Pipeline> StageRegistry::build(const std::vector<std::string>& names,
                                      const StageContext& ctx) const {
  const std::string file = ctx.runtime.config().source.string();
  if (names.empty() || names.front() != "parse" || names.back() != "persist") {
    return reject(v1::REASON_UNSPECIFIED,
                  file + ": pipeline.stages must start with \"parse\" and end with \"persist\"");
  }
  std::vector<StagePtr> stages;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto it = factories_.find(names[i]);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& [k, f] : factories_) known += (known.empty() ? "" : ", ") + k;
      return reject(v1::REASON_UNSPECIFIED, file + ": pipeline.stages: unknown stage \"" +
                                                names[i] + "\" (known: " + known + ")");
    }
    auto stage = it->second(ctx, StagePlacement{names, i});
    if (!stage) return stage.rejection();
    stages.push_back(std::move(*stage));
  }
  return Pipeline(std::move(stages), ctx.clock);
}

}  // namespace ozgbus::broker
