#include "broker/pipeline/pipeline.h"

#include <chrono>

#include "broker/monitoring/broker_metrics.h"
#include "broker/store/trace_line.h"

namespace ozgbus::broker {

Pipeline::Pipeline(std::vector<StagePtr> stages, const util::Clock& clock)
    : stages_(std::move(stages)), clock_(&clock) {
  for (const auto& s : stages_)
    timers_.push_back(&brokerMetrics().stage_seconds.with({std::string(s->name())}));
}

std::optional<Rejection> Pipeline::run(Message& message) {
  message.history = traceLine(message.received_at_ms, "received",
                              "from " + message.sender + ", " +
                                  std::to_string(message.raw ? message.raw->size() : 0) + " bytes");
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    Stage& stage = *stages_[i];
    const bool last = i + 1 == stages_.size();
    if (message.dead_letter && !last) continue;  // to persist
    message.note.clear();
    const auto start = clock_->steady();
    auto r = stage.process(message);
    timers_[i]->observe(std::chrono::duration<double>(clock_->steady() - start).count());
    if (r) return r;
    // The store adds "stored" (and a dead letter's reason) once the commit is durable.
    if (!last)
      message.history +=
          traceLine(clock_->wallMillis(), std::string(stage.traceEvent()), message.note);
  }
  return std::nullopt;
}

}  // namespace ozgbus::broker
