// PersistStage: hands the message to the group commit (a CommitQueue). The portal's ACCEPTED is
// sent by the transport only when that commit is on disk. Last in every pipeline, after route;
// takes the message over.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/pipeline/stage_context.h"
#include "broker/store/commit_queue.h"

namespace ozgbus::broker {

class PersistStage final : public Stage {
 public:
  static Result<StagePtr> create(const StageContext& ctx, const StagePlacement& at);
  explicit PersistStage(CommitQueue& commits) : commits_(commits) {}
  std::string_view name() const override { return "persist"; }
  std::string_view traceEvent() const override { return "stored"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  CommitQueue& commits_;
};

}  // namespace ozgbus::broker
