// Retention ([store] retain_days): settled messages whose receipt was taken are removed a while
// after they were received. One PurgeOp at a time goes to the commit queue, walking the
// messages in id order in small steps (a commit stays short); soon again while there is more,
// else after store.retention_interval_ms. Used by one thread (the transport's).
#pragma once

#include <cstdint>

#include "broker/config/config.h"
#include "broker/store/commit_queue.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class Retention {
 public:
  Retention(const StoreConfig& config, const util::Clock& clock, CommitQueue& commits);

  // Queues the next step when one is due and none is in flight.
  void tick();
  // A commit carried our step: `removed` rows went; the next step starts after `next_after`
  // (0: everything up to the cut-off was looked at).
  void purged(std::uint64_t removed, std::uint64_t next_after);

 private:
  const StoreConfig& config_;
  const util::Clock& clock_;
  CommitQueue& commits_;
  util::SteadyTime next_;
  std::uint64_t after_ = 0;
  bool in_flight_ = false;
};

}  // namespace ozgbus::broker
