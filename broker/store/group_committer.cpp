#include "broker/store/group_committer.h"

#include <spdlog/spdlog.h>

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

// One operation that touches a damaged page fails every batch it is in: the batch's other
// operations are applied one by one, and the one that still fails for damage is given up (the
// message it would settle stays queued in the store, delivered again after a restart).
void GroupCommitter::isolate(std::vector<StoreOp> ops) {
  std::vector<StoreOp> again;
  for (StoreOp& op : ops) {
    std::vector<StoreOp> one;
    one.push_back(std::move(op));
    CommitOutcome single = store_.apply(one);
    if (single.error && single.damaged) {
      spdlog::error("store damaged: an operation ({}) cannot be recorded and is given up: {}",
                    describe(single.retry.empty() ? StoreOp{} : single.retry.front()),
                    *single.error);
    } else if (!single.retry.empty() && !stopping_) {
      again.insert(again.end(), std::make_move_iterator(single.retry.begin()),
                   std::make_move_iterator(single.retry.end()));
    }
    single.retry.clear();
    done_(std::move(single));
  }
  if (!again.empty()) queue_.pushFront(std::move(again));
}

void GroupCommitter::run() {
  std::vector<StoreOp> batch;
  while (queue_.takeBatch(batch, batch_max_)) {
    in_commit_ = batch.size();
    CommitOutcome outcome = store_.apply(batch);
    batch.clear();
    if (outcome.damaged && !outcome.retry.empty()) {
      std::vector<StoreOp> retry = std::move(outcome.retry);
      outcome.retry.clear();
      done_(std::move(outcome));
      isolate(std::move(retry));
      in_commit_ = 0;
      continue;
    }
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
