#include "broker/pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "broker/monitoring/broker_metrics.h"
#include "broker/store/trace_line.h"

namespace ozgbus::broker {

namespace {

// What a trace shows for a stage that passed.
std::string eventName(std::string_view stage) {
  static const std::map<std::string_view, const char*> names = {
      {"parse", "parsed"}, {"verify", "verified"}, {"validate", "validated"}, {"header", "header_read"},
      {"route", "routed"}, {"adapt", "adapted"}, {"sign", "signed"}};
  auto it = names.find(stage);
  return it != names.end() ? it->second : std::string(stage);
}

}  // namespace

std::optional<Rejection> Pipeline::run(Message& message) {
  if (timers_.empty()) {
    for (const auto& s : stages_) timers_.push_back(&brokerMetrics().stage_seconds.with({std::string(s->name())}));
  }
  message.history = traceLine(message.received_at_ms, "received",
                              "from " + message.sender + ", " + std::to_string(message.raw ? message.raw->size() : 0) + " bytes");
  for (auto& stage : stages_) {
    const bool last = stage.get() == stages_.back().get();
    if (message.dead_letter && !last) continue;  // to persist
    message.note.clear();
    const auto start = clock_->steady();
    auto r = stage->process(message);
    timers_[static_cast<std::size_t>(&stage - stages_.data())]->observe(std::chrono::duration<double>(clock_->steady() - start).count());
    if (r) return r;
    // The store adds "stored" (and a dead letter's reason) once the commit is durable.
    if (!last) message.history += traceLine(clock_->wallMillis(), eventName(stage->name()), message.note);
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
  return Pipeline(std::move(stages), ctx.clock);
}

}  // namespace ozgbus::broker
