// DeadLetterAdmin alone, over a FakeReader holding one dead letter: a discard queues a DiscardOp
// and is answered 200 once a commit carried it; a replay sends the author's original through
// the pipeline function (origin FromReplay) and is answered 200 once its insert committed; a
// second action on the same dead letter meanwhile is 409, an unknown id 404, a failing store
// read 503.
#include "broker/admin/dead_letters.h"

#include <doctest/doctest.h>

#include <future>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

bool ready(std::future<AdminAnswer>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

struct Fixture {
  Fixture()
      : dispatcher(
            delivery, store, clock, [](Session&, const QueuedMessage&) { return true; }, commits),
        admin(
            store, commits, dispatcher, [this](Message m) { submitted.push_back(std::move(m)); },
            counters, clock) {
    StoredMessage dead;
    dead.message.id = 5;
    dead.message.uuid = "u5";
    dead.message.sender = "psw:02000001";
    dead.message.queue = "hh";
    dead.message.received_at_ms = 1000;
    dead.message.payload = std::make_shared<const std::string>("<translated/>");
    dead.message.original = std::make_shared<const std::string>("<signed-original/>");
    dead.state = MessageState::kDeadLetter;
    dead.reason = v1::ADAPTER_FAILED;
    store.messages[5] = dead;
    StoredMessage delivered = dead;
    delivered.message.id = 6;
    delivered.state = MessageState::kDelivered;
    store.messages[6] = delivered;
    dispatcher.restore({QueueCounts{"hh", 0, 1}});
  }

  // Hands the request over; its answer comes through the future.
  std::future<AdminAnswer> ask(AdminRequest::Kind kind, std::uint64_t id) {
    auto r = std::make_unique<AdminRequest>();
    r->kind = kind;
    r->id = id;
    r->by = "operator";
    auto answer = r->answer.get_future();
    admin.request(std::move(r));
    return answer;
  }

  std::uint64_t deadIn(const std::string& queue) const {
    for (const auto& q : dispatcher.queues()) {
      if (q.name == queue) return q.dead;
    }
    return 0;
  }

  DeliveryConfig delivery;
  testing::FakeReader store;
  util::ManualClock clock;
  testing::RecordingCommits commits;
  BrokerCounters counters;
  std::vector<Message> submitted;
  Dispatcher dispatcher;
  DeadLetterAdmin admin;
};

}  // namespace

TEST_CASE("a discard queues a DiscardOp and is answered 200 once its commit carried it") {
  Fixture f;
  auto answer = f.ask(AdminRequest::Kind::kDiscard, 5);
  const auto discards = f.commits.of<DiscardOp>();
  REQUIRE(discards.size() == 1);
  CHECK(discards[0].id == 5);
  CHECK(discards[0].by == "operator");
  CHECK(discards[0].at_ms == f.clock.wallMillis());
  CHECK_FALSE(ready(answer));
  CommitOutcome unrelated;
  f.admin.discardsCommitted(unrelated);
  CHECK_FALSE(ready(answer));
  CommitOutcome done;
  done.discarded = discards;
  f.admin.discardsCommitted(done);
  REQUIRE(ready(answer));
  const AdminAnswer a = answer.get();
  CHECK(a.status == 200);
  CHECK(a.text.find("discarded") != std::string::npos);
  CHECK(f.deadIn("hh") == 0);
}

TEST_CASE(
    "a replay submits the original with origin FromReplay and is answered 200 once committed") {
  Fixture f;
  f.clock.advance(std::chrono::seconds(5));
  auto answer = f.ask(AdminRequest::Kind::kReplay, 5);
  REQUIRE(f.submitted.size() == 1);
  const Message& m = f.submitted[0];
  const FromReplay* from = m.replay();
  REQUIRE(from != nullptr);
  CHECK(from->dead_letter_id == 5);
  CHECK(from->from_queue == "hh");
  CHECK(from->by == "operator");
  CHECK(from->first_received_at_ms == 1000);
  CHECK(m.sender == "psw:02000001");
  CHECK(m.received_at_ms == f.clock.wallMillis());
  REQUIRE(m.raw != nullptr);
  CHECK(*m.raw == "<signed-original/>");
  CHECK_FALSE(ready(answer));

  InsertOutcome o;
  o.op.origin = m.origin;
  o.op.message.id = 5;
  o.op.message.uuid = "u5";
  o.op.message.queue = "hh";
  f.admin.replayCommitted(o);
  REQUIRE(ready(answer));
  const AdminAnswer a = answer.get();
  CHECK(a.status == 200);
  CHECK(a.text.find("queued again in hh") != std::string::npos);
  CHECK(f.deadIn("hh") == 0);
  CHECK(f.dispatcher.queues().front().depth == 1);
}

TEST_CASE("a second action on a dead letter while one is pending is 409") {
  Fixture f;
  auto first = f.ask(AdminRequest::Kind::kReplay, 5);
  auto second = f.ask(AdminRequest::Kind::kDiscard, 5);
  REQUIRE(ready(second));
  CHECK(second.get().status == 409);
  CHECK_FALSE(ready(first));
  CHECK(f.commits.of<DiscardOp>().empty());
  REQUIRE(f.submitted.size() == 1);
  f.admin.replayRefused(*f.submitted[0].replay(), reject(v1::XML_MALFORMED, "broken"));
  REQUIRE(ready(first));
  CHECK(first.get().status == 409);  // refused by the pipeline: stays a dead letter
  auto third = f.ask(AdminRequest::Kind::kDiscard, 5);
  CHECK(f.commits.of<DiscardOp>().size() == 1);  // free again
  CHECK_FALSE(ready(third));
}

TEST_CASE("an action on an unknown id or on a message that is no dead letter is 404") {
  Fixture f;
  auto unknown = f.ask(AdminRequest::Kind::kReplay, 77);
  REQUIRE(ready(unknown));
  CHECK(unknown.get().status == 404);
  auto delivered = f.ask(AdminRequest::Kind::kDiscard, 6);
  REQUIRE(ready(delivered));
  CHECK(delivered.get().status == 404);
  CHECK(f.submitted.empty());
  CHECK(f.commits.ops.empty());
}

TEST_CASE("an action the store cannot read for is 503") {
  Fixture f;
  f.store.failure = reject(v1::STORE_FAILED, "disk gone");
  auto answer = f.ask(AdminRequest::Kind::kDiscard, 5);
  REQUIRE(ready(answer));
  const AdminAnswer a = answer.get();
  CHECK(a.status == 503);
  CHECK(a.text.find("disk gone") != std::string::npos);
  CHECK(f.commits.ops.empty());
}
