#include "broker/pipeline/pipeline.h"

#include <algorithm>
#include <chrono>

#include "broker/store/trace_line.h"

namespace ozgbus::broker {

namespace {

std::int64_t wallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<Rejection> Pipeline::run(Message& message) {
  message.history = traceLine(message.received_at_ms, "received",
                              "from " + message.sender + ", " + std::to_string(message.raw ? message.raw->size() : 0) + " bytes");
  for (auto& stage : stages_) {
    const bool last = stage.get() == stages_.back().get();
    if (message.dead_letter && !last) continue;  // to persist
    if (last) message.history += traceLine(wallMillis(), message.dead_letter ? "dead_lettered" : "accepted",
                                           message.dead_letter ? message.dead_letter->toString() : "");
    message.note.clear();
    if (auto r = stage->process(message)) return r;
    if (!last) message.history += traceLine(wallMillis(), std::string(stage->name()), message.note);
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
