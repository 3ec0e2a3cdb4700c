// PersistStage: hands the message to the group committer. The portal's ACCEPTED is sent by the
// transport only when that commit is on disk. Last in every pipeline; takes the message over.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/store/group_committer.h"

namespace ozgbus::broker {

class PersistStage final : public Stage {
 public:
  explicit PersistStage(GroupCommitter& committer) : committer_(committer) {}
  std::string_view name() const override { return "persist"; }
  std::optional<Rejection> process(Message& message) override;

 private:
  GroupCommitter& committer_;
};

}  // namespace ozgbus::broker
