// StageRegistry: the stages the broker knows by name, each with the factory that builds it.
// Adding a stage is a new file and one line in builtin_stages.cpp. build() makes one Pipeline
// (call it once per worker thread). The registry is built once and then only read.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "broker/pipeline/pipeline.h"
#include "broker/pipeline/stage_context.h"

namespace ozgbus::broker {

class StageRegistry {
 public:
  // A stage, or why it cannot be built here (a setting missing, a stage it needs not in place);
  // the reason names the configuration file and key.
  using Factory = std::function<Result<StagePtr>(const StageContext&, const StagePlacement&)>;

  static const StageRegistry& builtin();

  void add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }
  // The list must start with parse and end with persist; unknown names are refused, naming the
  // known ones; each stage's factory checks the rest.
  Result<Pipeline> build(const std::vector<std::string>& names, const StageContext& ctx) const;

 private:
  std::map<std::string, Factory> factories_;
};

// A factory's refusal: "<ozgbus.toml>: <what>", naming the key that is missing or wrong.
Rejection stageSettingError(const StageContext& ctx, const std::string& what);

}  // namespace ozgbus::broker
