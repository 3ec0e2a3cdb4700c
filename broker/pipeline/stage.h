// Stage: one step of the pipeline. process() takes the message, changes it or refuses it with a
// Rejection. Each worker thread builds its own stage objects, so a stage may keep per-thread
// state (parser or transform contexts) without locks; what stages share is read-only.
// A stage is self-contained: its factory (StageRegistry) checks its own settings and its place
// in [pipeline] stages, and it names the event its passing leaves in the message's trace.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "broker/pipeline/message.h"
#include "core/result.h"

namespace ozgbus::broker {

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  // The trace's word for this stage having passed the message ("verified", "routed").
  virtual std::string_view traceEvent() const = 0;
  // Empty: continue with the next stage. A terminal stage (persist) takes the message over.
  virtual std::optional<Rejection> process(Message& message) = 0;
};

using StagePtr = std::unique_ptr<Stage>;

}  // namespace ozgbus::broker
