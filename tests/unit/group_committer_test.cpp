// GroupCommitter over a fake Store whose apply() records each batch and can be held (a commit
// "on disk") or made to fail once: what is enqueued while a commit runs goes into the next
// batch together, at most batch_max at a time, in order; stop() commits what is queued before
// the thread ends; a failed commit's retry operations are applied again, its inserts are not.
#include "broker/store/group_committer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

class FakeStore final : public Store {
 public:
  CommitOutcome apply(std::vector<StoreOp>& ops) override {
    std::unique_lock lock(mu_);
    applied_.push_back(ops);
    changed_.notify_all();
    changed_.wait(lock, [this] { return !held_; });
    CommitOutcome out;
    out.operations = ops.size();
    const bool poisoned = std::any_of(ops.begin(), ops.end(), [this](const StoreOp& op) {
      const auto* settle = std::get_if<SettleOp>(&op);
      return settle != nullptr && settle->id == damaged_id_;
    });
    if (poisoned) {
      out.error = "database disk image is malformed";
      out.damaged = true;
      out.retry = ops;
      return out;
    }
    if (applied_.size() == fail_on_) {
      for (const StoreOp& op : ops) {
        if (const auto* insert = std::get_if<InsertOp>(&op)) {
          out.inserts.push_back(InsertOutcome{*insert, false, true, "disk full"});
        } else {
          out.retry.push_back(op);
        }
      }
    }
    return out;
  }
  Result<std::unique_ptr<StoreReader>> reader() const override {
    return reject(v1::STORE_FAILED, "this fake store has no reader");
  }

  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    changed_.notify_all();
  }
  // Every batch with a settle of this message id fails: its row is on a damaged page.
  void damage(std::uint64_t id) {
    std::lock_guard lock(mu_);
    damaged_id_ = id;
  }
  // The n-th apply() (from 1) fails.
  void failOn(std::size_t n) {
    std::lock_guard lock(mu_);
    fail_on_ = n;
  }
  bool waitForApplies(std::size_t n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return applied_.size() >= n; });
  }
  std::vector<std::vector<StoreOp>> applied() const {
    std::lock_guard lock(mu_);
    return applied_;
  }
  std::vector<std::size_t> batchSizes() const {
    std::vector<std::size_t> sizes;
    for (const auto& batch : applied()) sizes.push_back(batch.size());
    return sizes;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::vector<StoreOp>> applied_;
  bool held_ = false;
  std::size_t fail_on_ = 0;
  std::uint64_t damaged_id_ = 0;
};

// What done() was given, on the committer's thread.
struct Outcomes {
  GroupCommitter::Done callback() {
    return [this](CommitOutcome&& o) {
      std::lock_guard lock(mu);
      all.push_back(std::move(o));
    };
  }
  std::mutex mu;
  std::vector<CommitOutcome> all;
};

StoreOp settle(std::uint64_t id) {
  SettleOp s;
  s.id = id;
  return s;
}

std::uint64_t idOf(const StoreOp& op) {
  if (const auto* s = std::get_if<SettleOp>(&op)) return s->id;
  if (const auto* r = std::get_if<ReceiptAckOp>(&op)) return r->id;
  if (const auto* a = std::get_if<AttemptOp>(&op)) return a->id;
  if (const auto* i = std::get_if<InsertOp>(&op)) return i->message.id;
  return 0;
}

}  // namespace

TEST_CASE(
    "operations enqueued while a commit runs go into the next batches in order, at most batch_max "
    "each") {
  FakeStore store;
  Outcomes done;
  store.hold();
  GroupCommitter committer(store, 3, done.callback());
  committer.enqueue(settle(1));
  REQUIRE(store.waitForApplies(1));
  for (std::uint64_t id = 2; id <= 6; ++id) committer.enqueue(settle(id));
  CHECK(committer.pending() == 6);  // five queued, one on disk
  store.release();
  committer.stop();
  CHECK(store.batchSizes() == std::vector<std::size_t>{1, 3, 2});
  std::vector<std::uint64_t> order;
  for (const auto& batch : store.applied()) {
    for (const StoreOp& op : batch) order.push_back(idOf(op));
  }
  CHECK(order == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6});
  CHECK(done.all.size() == 3);
  CHECK(done.all[1].operations == 3);
  CHECK(committer.pending() == 0);
}

TEST_CASE("stop commits everything still queued before the committer's thread ends") {
  FakeStore store;
  Outcomes done;
  store.hold();
  GroupCommitter committer(store, 100, done.callback());
  committer.enqueue(settle(1));
  REQUIRE(store.waitForApplies(1));
  for (std::uint64_t id = 2; id <= 4; ++id) committer.enqueue(settle(id));
  std::thread stopper([&committer] { committer.stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // stop() closes the queue meanwhile
  store.release();
  stopper.join();
  CHECK(store.batchSizes() == std::vector<std::size_t>{1, 3});
  CHECK(done.all.size() == 2);
  CHECK(committer.pending() == 0);
  committer.stop();  // idempotent
  CHECK(store.applied().size() == 2);
}

TEST_CASE("a failed commit's retry operations are applied again and its inserts are not") {
  FakeStore store;
  Outcomes done;
  store.hold();
  GroupCommitter committer(store, 100, done.callback());
  AttemptOp first;
  first.id = 100;
  committer.enqueue(first);
  REQUIRE(store.waitForApplies(1));
  InsertOp insert;
  insert.message.id = 50;
  insert.origin = FromConnection{"conn", 1};
  committer.enqueue(insert);
  committer.enqueue(settle(7));
  ReceiptAckOp ack;
  ack.id = 8;
  committer.enqueue(ack);
  store.failOn(2);
  store.release();
  REQUIRE(store.waitForApplies(3));
  committer.stop();

  const auto batches = store.applied();
  REQUIRE(batches.size() == 3);
  CHECK(batches[1].size() == 3);
  REQUIRE(batches[2].size() == 2);
  CHECK(std::holds_alternative<SettleOp>(batches[2][0]));
  CHECK(idOf(batches[2][0]) == 7);
  CHECK(std::holds_alternative<ReceiptAckOp>(batches[2][1]));
  CHECK(idOf(batches[2][1]) == 8);

  REQUIRE(done.all.size() == 3);
  CHECK(done.all[1].retry.empty());  // taken back into the queue, not handed on
  REQUIRE(done.all[1].inserts.size() == 1);
  CHECK(done.all[1].inserts[0].failed);
  CHECK(done.all[2].inserts.empty());
}

TEST_CASE("one operation on a damaged page does not stop the others: they are applied one by one") {
  FakeStore store;
  store.damage(2);
  Outcomes done;
  store.hold();
  GroupCommitter committer(store, 100, done.callback());
  for (std::uint64_t id = 1; id <= 3; ++id) committer.enqueue(SettleOp{id});
  store.release();
  REQUIRE(store.waitForApplies(4));  // the batch, then each of its three alone
  committer.stop();
  const auto sizes = store.batchSizes();
  REQUIRE(sizes.size() == 4);
  CHECK(sizes == std::vector<std::size_t>{3, 1, 1, 1});
  // The damaged one is given up, not retried for ever; the others were committed.
  CHECK(done.all.size() == 4);
  CHECK(done.all[0].damaged);
  CHECK_FALSE(done.all[1].error);
  CHECK(done.all[2].damaged);
  CHECK_FALSE(done.all[3].error);
  CHECK(committer.pending() == 0);
}
