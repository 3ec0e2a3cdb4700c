// Pipeline: the ordered stages named in ozgbus.toml ([pipeline] stages), one instance per
// worker thread (StageRegistry builds them). Used by its worker thread only.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "broker/monitoring/metrics.h"
#include "broker/pipeline/stage.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class Pipeline {
 public:
  Pipeline(std::vector<StagePtr> stages, const util::Clock& clock);
  // Runs every stage in order; the first rejection ends the run. Each stage that passes adds
  // its line to the message's trace (the last, persist, leaves that to the store's commit).
  std::optional<Rejection> run(Message& message);
  const std::vector<StagePtr>& stages() const { return stages_; }

 private:
  std::vector<StagePtr> stages_;
  const util::Clock* clock_;
  std::vector<metrics::Histogram*> timers_;  // per stage, ozgbus_stage_duration_seconds
};

}  // namespace ozgbus::broker
