// GroupCommitter: the one writer thread of the store. Operations queue up while a commit is on
// disk; the next commit takes all of them (up to batch_max) in one transaction, so fsyncs are
// shared by many messages. enqueue() is thread-safe; done() runs on the writer thread.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "broker/store/commit_queue.h"
#include "broker/store/store.h"
#include "core/util/blocking_queue.h"

namespace ozgbus::broker {

class GroupCommitter final : public CommitQueue {
 public:
  using Done = std::function<void(CommitOutcome&&)>;

  GroupCommitter(Store& store, std::size_t batch_max, Done done);
  ~GroupCommitter() override;
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void enqueue(StoreOp op) override;
  // Commits everything queued so far, then ends the thread. Idempotent.
  void stop();
  // Operations queued or being committed.
  std::size_t pending() const;

 private:
  void run();
  void isolate(std::vector<StoreOp> ops);

  Store& store_;
  std::size_t batch_max_;
  Done done_;
  util::BlockingQueue<StoreOp> queue_;
  std::atomic<std::size_t> in_commit_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ozgbus::broker
