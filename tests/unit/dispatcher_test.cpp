#include "broker/delivery/dispatcher.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

struct Fixture {
  Fixture() {
    config.max_attempts = 3;
    config.ack_timeout = std::chrono::milliseconds(1000);
    dispatcher = std::make_unique<Dispatcher>(
        config, store, clock,
        [this](Session& s, const QueuedMessage& m) {
          sent.emplace_back(s.participant, m.id);
          return true;
        },
        writes);
  }

  Session& connect(const std::string& identity, std::uint32_t credit) {
    return testing::attachBackend(*dispatcher, sessions, identity, credit);
  }

  void commit(std::uint64_t id) {
    QueuedMessage m;
    m.id = id;
    m.uuid = "u" + std::to_string(id);
    m.sender = "portal";
    m.queue = "q";
    m.payload = std::make_shared<const std::string>("<x/>");
    dispatcher->committed(m);
  }

  DeliveryConfig config;
  testing::FakeReader store;
  util::ManualClock clock;
  std::unique_ptr<Dispatcher> dispatcher;
  Sessions sessions;
  std::vector<std::pair<std::string, std::uint64_t>> sent;
  testing::RecordingCommits writes;
};

}  // namespace

TEST_CASE("deliveries respect each consumer's credit and alternate between consumers") {
  Fixture f;
  f.connect("a", 2);
  f.connect("b", 1);
  for (std::uint64_t i = 1; i <= 5; ++i) f.commit(i);
  f.dispatcher->pump(f.sessions);
  CHECK(f.sent.size() == 3);
  CHECK(f.sessions.at("a").deliveries.size() == 2);
  CHECK(f.sessions.at("b").deliveries.size() == 1);
  CHECK(f.dispatcher->queues().front().in_flight == 3);
  CHECK(f.dispatcher->queues().front().depth == 5);
}

TEST_CASE("ACK settles the message and frees credit") {
  Fixture f;
  Session& a = f.connect("a", 1);
  f.commit(1);
  f.commit(2);
  f.dispatcher->pump(f.sessions);
  REQUIRE(f.sent.size() == 1);
  CHECK_FALSE(f.dispatcher->ack(a, 1));
  REQUIRE(f.writes.ops.size() == 1);
  CHECK(std::get<SettleOp>(f.writes.ops[0]).state == MessageState::kDelivered);
  CHECK(std::get<SettleOp>(f.writes.ops[0]).sender == "portal");
  f.dispatcher->pump(f.sessions);
  CHECK(f.sent.size() == 2);
  CHECK(f.dispatcher->queues().front().depth == 1);
}

TEST_CASE("an ACK for a delivery the session does not hold is refused") {
  Fixture f;
  Session& a = f.connect("a", 1);
  Session& b = f.connect("b", 1);
  f.commit(1);
  f.dispatcher->pump(f.sessions);
  Session& holder = a.deliveries.count(1) ? a : b;
  Session& other = &holder == &a ? b : a;
  auto r = f.dispatcher->ack(other, 1);
  REQUIRE(r);
  CHECK(r->reason == v1::UNKNOWN_DELIVERY);
  CHECK_FALSE(f.dispatcher->ack(holder, 1));
}

TEST_CASE("a disconnect puts held messages back first, counting an attempt") {
  Fixture f;
  Session& a = f.connect("a", 2);
  f.commit(1);
  f.commit(2);
  f.commit(3);
  f.dispatcher->pump(f.sessions);
  f.dispatcher->detach(a, true);
  f.sessions.erase("a");
  CHECK(f.writes.ops.size() == 2);  // two AttemptOps
  f.connect("b", 10);
  f.sent.clear();
  f.dispatcher->pump(f.sessions);
  REQUIRE(f.sent.size() == 3);
  CHECK(f.dispatcher->redelivered() == 2);
}

TEST_CASE("a client that says BYE gives its deliveries back without counting an attempt") {
  Fixture f;
  Session& a = f.connect("a", 2);
  f.commit(1);
  f.dispatcher->pump(f.sessions);
  f.dispatcher->detach(a, false);
  f.sessions.erase("a");
  CHECK(f.writes.ops.empty());
  CHECK(f.dispatcher->redelivered() == 0);
  f.connect("b", 1);
  f.dispatcher->pump(f.sessions);
  CHECK(f.sent.size() == 2);
}

TEST_CASE("after max_attempts the message becomes a dead letter") {
  Fixture f;
  for (std::uint32_t attempt = 1; attempt <= 3; ++attempt) {
    Session& s = f.connect("c" + std::to_string(attempt), 1);
    if (attempt == 1) f.commit(1);
    f.dispatcher->pump(f.sessions);
    v1::Nack nack;
    nack.set_delivery_id(1);
    nack.set_requeue(true);
    nack.set_detail("try later");
    CHECK_FALSE(f.dispatcher->nack(s, nack));
  }
  auto* dead = std::get_if<SettleOp>(&f.writes.ops.back());
  REQUIRE(dead != nullptr);
  CHECK(dead->state == MessageState::kDeadLetter);
  CHECK(dead->reason == v1::MAX_ATTEMPTS);
  CHECK(dead->detail.find("3 delivery attempts failed") != std::string::npos);
  CHECK(dead->receiver == "c3");  // the participant, not a connection id
  CHECK(f.dispatcher->queues().front().dead == 1);
  CHECK(f.dispatcher->queues().front().depth == 0);
}

TEST_CASE("NACK without requeue settles as rejected by the receiver") {
  Fixture f;
  Session& a = f.connect("a", 1);
  f.commit(1);
  f.dispatcher->pump(f.sessions);
  v1::Nack nack;
  nack.set_delivery_id(1);
  nack.set_detail("Pflichtangabe fehlt");
  CHECK_FALSE(f.dispatcher->nack(a, nack));
  auto& settle = std::get<SettleOp>(f.writes.ops.back());
  CHECK(settle.state == MessageState::kRejected);
  CHECK(settle.reason == v1::REJECTED_BY_RECEIVER);
  CHECK(settle.detail == "Pflichtangabe fehlt");
}

TEST_CASE("the ack timeout redelivers") {
  Fixture f;
  f.connect("a", 1);
  f.commit(1);
  f.dispatcher->pump(f.sessions);
  f.dispatcher->expire(f.sessions);
  CHECK(f.sessions.at("a").deliveries.size() == 1);  // not yet
  f.clock.advance(std::chrono::seconds(2));
  f.dispatcher->expire(f.sessions);
  CHECK(f.sessions.at("a").deliveries.empty());
  CHECK(f.dispatcher->redelivered() == 1);
}

TEST_CASE("a back-end working through a deep credit at its own pace is not timed out") {
  Fixture f;  // ack timeout 1 s
  Session& a = f.connect("a", 10);
  for (std::uint64_t i = 1; i <= 10; ++i) f.commit(i);
  f.dispatcher->pump(f.sessions);
  REQUIRE(a.deliveries.size() == 10);
  // One ACK every 0.6 s, in order: the last waits 6 s, yet each was the oldest for only 0.6 s.
  for (std::uint64_t i = 1; i <= 10; ++i) {
    f.clock.advance(std::chrono::milliseconds(600));
    f.dispatcher->expire(f.sessions);
    CHECK_FALSE(f.dispatcher->ack(a, i));
  }
  CHECK(f.dispatcher->redelivered() == 0);
  CHECK(f.writes.of<AttemptOp>().empty());
}

TEST_CASE("the oldest delivery times out, counted, while the back-end settles others") {
  Fixture f;
  Session& a = f.connect("a", 3);
  for (std::uint64_t i = 1; i <= 3; ++i) f.commit(i);
  f.dispatcher->pump(f.sessions);
  f.clock.advance(std::chrono::milliseconds(500));
  CHECK_FALSE(f.dispatcher->ack(a, 2));
  f.clock.advance(std::chrono::milliseconds(600));
  f.dispatcher->expire(f.sessions);
  CHECK(a.deliveries.count(1) == 0);  // the one it skipped goes back
  CHECK(a.deliveries.count(3) == 1);  // the next is not late: its clock started just now
  const auto attempts = f.writes.of<AttemptOp>();
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].id == 1);
  CHECK(attempts[0].note.find("while it settled others") != std::string::npos);
}

TEST_CASE(
    "a back-end that settles nothing for the ack timeout gives back everything, the oldest "
    "counted") {
  Fixture f;
  Session& a = f.connect("a", 3);
  for (std::uint64_t i = 1; i <= 3; ++i) f.commit(i);
  f.dispatcher->pump(f.sessions);
  f.clock.advance(std::chrono::seconds(2));
  f.dispatcher->expire(f.sessions);
  CHECK(a.deliveries.empty());
  const auto attempts = f.writes.of<AttemptOp>();
  REQUIRE(attempts.size() == 1);  // the other two were never started on
  CHECK(attempts[0].id == 1);
  CHECK(attempts[0].note.find("settled nothing meanwhile") != std::string::npos);
}

TEST_CASE(
    "a message the store gives back damaged is never delivered: a STORE_CORRUPT dead letter") {
  Fixture f;
  f.store.queued["q"] = {QueuedMessage{}, QueuedMessage{}};
  f.store.queued["q"][0].id = 1;
  f.store.queued["q"][0].damage = "its document does not match its digest";
  f.store.queued["q"][1].id = 2;
  f.store.queued["q"][1].queue = "q";
  f.store.queued["q"][1].payload = std::make_shared<const std::string>("<x/>");
  f.dispatcher->restore({QueueCounts{"q", 2, 0}});
  f.connect("a", 5);
  f.dispatcher->pump(f.sessions);
  REQUIRE(f.sent.size() == 1);
  CHECK(f.sent[0].second == 2);
  const auto settles = f.writes.of<SettleOp>();
  REQUIRE(settles.size() == 1);
  CHECK(settles[0].id == 1);
  CHECK(settles[0].state == MessageState::kDeadLetter);
  CHECK(settles[0].reason == v1::STORE_CORRUPT);
  CHECK(f.dispatcher->queues().front().dead == 1);
  CHECK(f.dispatcher->queues().front().depth == 1);
}

TEST_CASE("after a restart the queue refills from the store") {
  Fixture f;
  f.dispatcher->restore({QueueCounts{"q", 3, 0}});
  f.connect("a", 5);
  f.dispatcher->pump(f.sessions);
  CHECK(f.store.loads == 1);
  CHECK(f.dispatcher->queues().front().depth == 3);
}
