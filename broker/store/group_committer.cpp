#include "broker/store/group_committer.h"

#include <chrono>

namespace ozgbus::broker {

GroupCommitter::GroupCommitter(Store& store, std::size_t batch_max, Done done)
    : store_(store), batch_max_(batch_max), done_(std::move(done)), thread_([this] { run(); }) {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::enqueue(StoreOp op) { queue_.push(std::move(op)); }

void GroupCommitter::stop() {
  stopping_ = true;
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

std::size_t GroupCommitter::pending() const { return queue_.size() + in_commit_.load(); }

void GroupCommitter::run() {
  std::vector<StoreOp> batch;
  while (queue_.takeBatch(batch, batch_max_)) {
    in_commit_ = batch.size();
    CommitOutcome outcome = store_.apply(batch);
    batch.clear();
    if (!outcome.retry.empty()) {
      // Stopping: leave them; the store still has those messages queued, so they are delivered
      // again after the restart (at least once, never lost).
      if (!stopping_) queue_.pushFront(std::move(outcome.retry));
      outcome.retry.clear();
      // The store just failed (disk full, I/O error): give it a moment instead of spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    done_(std::move(outcome));
    in_commit_ = 0;
  }
}

}  // namespace ozgbus::broker
