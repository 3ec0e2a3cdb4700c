// Event: what other threads hand the transport thread through its mailbox — refusals from the
// pipeline's workers, a commit's outcome from the group committer, an operator's action from
// the HTTP threads. Moved, never shared.
#pragma once

#include <memory>
#include <vector>

#include "broker/monitoring/admin_request.h"
#include "broker/pipeline/message.h"
#include "broker/store/records.h"
#include "core/util/mailbox.h"

namespace ozgbus::broker {

struct Event {
  std::vector<Refusal> refused;
  std::unique_ptr<CommitOutcome> commit;
  std::unique_ptr<AdminRequest> admin;
};

using EventMailbox = util::Mailbox<Event>;

}  // namespace ozgbus::broker
