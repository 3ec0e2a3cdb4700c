// CommitQueue: where store operations wait for the next group commit. What writes to the store
// (the pipeline's persist stage, delivery outcomes, operators' actions, retention) depends on
// this interface only, so a test can take the operations instead of a store. enqueue() is safe
// from any thread.
#pragma once

#include "broker/store/records.h"

namespace ozgbus::broker {

class CommitQueue {
 public:
  virtual ~CommitQueue() = default;
  virtual void enqueue(StoreOp op) = 0;
};

}  // namespace ozgbus::broker
