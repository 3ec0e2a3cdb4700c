#include "broker/pipeline/pipeline.h"

#include <algorithm>

namespace ozgbus::broker {

std::optional<Rejection> Pipeline::run(Message& message) {
  for (auto& stage : stages_) {
    if (message.dead_letter && stage.get() != stages_.back().get()) continue;  // to persist
    if (auto r = stage->process(message)) return r;
  }
  return std::nullopt;
}

Result<Pipeline> StageRegistry::build(const std::vector<std::string>& names,
                                      const StageContext& ctx) const {
  if (names.empty() || names.front() != "parse" || names.back() != "persist") {
    return reject(v1::REASON_UNSPECIFIED,
                  "pipeline.stages must start with \"parse\" and end with \"persist\"");
  }
  const auto at = [&names](const char* n) {
    return std::find(names.begin(), names.end(), n) - names.begin();
  };
  const auto end = static_cast<std::ptrdiff_t>(names.size());
  if (at("verify") < end && !(at("header") < end && at("header") > at("verify"))) {
    return reject(v1::REASON_UNSPECIFIED,
                  "pipeline.stages: \"verify\" needs \"header\" after it (the header's author "
                  "must be the signer)");
  }
  if (at("sign") < end && at("sign") != end - 2) {
    return reject(v1::REASON_UNSPECIFIED,
                  "pipeline.stages: \"sign\" must come right before \"persist\" (it signs "
                  "what is delivered, after every change)");
  }
  std::vector<std::unique_ptr<Stage>> stages;
  for (const std::string& name : names) {
    auto it = factories_.find(name);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& [k, f] : factories_) known += (known.empty() ? "" : ", ") + k;
      return reject(v1::REASON_UNSPECIFIED,
                    "pipeline.stages: unknown stage \"" + name + "\" (known: " + known + ")");
    }
    stages.push_back(it->second(ctx));
  }
  return Pipeline(std::move(stages));
}

}  // namespace ozgbus::broker
