#include "broker/store/group_committer.h"

#include <algorithm>
#include <chrono>

namespace ozgbus::broker {

GroupCommitter::GroupCommitter(Store& store, std::size_t batch_max, Done done)
    : store_(store), batch_max_(batch_max), done_(std::move(done)), thread_([this] { run(); }) {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::enqueue(StoreOp op) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(op));
  }
  cv_.notify_one();
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t GroupCommitter::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + in_commit_;
}

void GroupCommitter::run() {
  std::vector<StoreOp> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      in_commit_ = 0;
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      if (queue_.size() <= batch_max_) {
        batch.swap(queue_);
      } else {
        const auto cut = queue_.begin() + static_cast<long>(batch_max_);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(cut));
        queue_.erase(queue_.begin(), cut);
      }
      in_commit_ = batch.size();
    }
    CommitOutcome outcome = store_.apply(batch);
    batch.clear();
    if (!outcome.retry.empty()) {
      {
        // Stopping: leave them; the store still has those messages queued, so they are
        // delivered again after the restart (at least once, never lost).
        std::lock_guard lock(mu_);
        if (!stopping_) {
          queue_.insert(queue_.begin(), std::make_move_iterator(outcome.retry.begin()),
                        std::make_move_iterator(outcome.retry.end()));
        }
      }
      outcome.retry.clear();
      // The store just failed (disk full, I/O error): give it a moment instead of spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    done_(std::move(outcome));
  }
}

}  // namespace ozgbus::broker
