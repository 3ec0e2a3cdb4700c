// StatusHandler alone: STATUS_RESULT lists each queue (depth, in flight, dead letters,
// consumers) as the Dispatcher knows it, each open session (credit, deliveries held, receipts
// pending in the ReceiptOutbox) and the totals from BrokerCounters and the dispatcher.
#include "broker/transport/status_handler.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

BrokerConfig insecure() {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  return c;
}

QueuedMessage message(std::uint64_t id, const std::string& queue) {
  QueuedMessage m;
  m.id = id;
  m.uuid = "u" + std::to_string(id);
  m.sender = "psw:02000001";
  m.queue = queue;
  m.payload = std::make_shared<const std::string>("<x/>");
  return m;
}

struct Fixture {
  Fixture()
      : runtime(std::move(*Runtime::load(insecure()))),
        dispatcher(
            runtime->config().delivery, store, clock,
            [](Session&, const QueuedMessage&) { return true; }, writes),
        outbox(
            runtime->config().delivery, store, clock,
            [](Session&, const ReceiptRecord&) { return true; }, writes),
        status(StatusHandler::Context{dispatcher, outbox, sessions, counters, *runtime, replies,
                                      [] { return std::vector<ClusterNode>(); }}) {}

  Session& connect(const std::string& identity, const std::string& participant, v1::Role role,
                   std::uint32_t credit) {
    Session s;
    s.identity = identity;
    s.session_id = "s-" + identity;
    s.participant = participant;
    s.role = role;
    s.credit = credit;
    if (role == v1::BACKEND) s.queues = {"q"};
    Session& stored = sessions.emplace(identity, std::move(s)).first->second;
    dispatcher.attach(stored);
    return stored;
  }

  std::unique_ptr<Runtime> runtime;
  testing::FakeReader store;
  util::ManualClock clock;
  testing::RecordingCommits writes;
  testing::RecordingReplies replies;
  BrokerCounters counters;
  Sessions sessions;
  Dispatcher dispatcher;
  ReceiptOutbox outbox;
  StatusHandler status;
};

const v1::QueueStatus* queueNamed(const v1::StatusResult& r, const std::string& name) {
  for (const auto& q : r.queues()) {
    if (q.name() == name) return &q;
  }
  return nullptr;
}

const v1::ParticipantStatus* participantNamed(const v1::StatusResult& r, const std::string& id) {
  for (const auto& p : r.participants()) {
    if (p.participant_id() == id) return &p;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("STATUS_RESULT lists queues, participants and the totals") {
  Fixture f;
  Session& backend = f.connect("b", "hh-gewerbe", v1::BACKEND, 4);
  Session& portal = f.connect("p", "psw:02000001", v1::PORTAL, 0);
  for (std::uint64_t id = 1; id <= 3; ++id) f.dispatcher.committed(message(id, "q"));
  f.dispatcher.committedDead(message(9, "q"));
  f.dispatcher.committed(message(4, "r"));  // nobody reads r
  f.dispatcher.pump(f.sessions);
  REQUIRE(backend.deliveries.size() == 3);
  REQUIRE_FALSE(f.dispatcher.ack(backend, 1));
  ReceiptRecord receipt;
  receipt.id = 1;
  receipt.seq = 1;
  receipt.recipient = "psw:02000001";
  f.outbox.committed(receipt);  // not sent yet: pending
  f.counters.submitted = 7;
  f.counters.accepted = 5;
  f.counters.rejected = 2;

  wire::Frames ask;
  ask.envelope = wire::makeEnvelope(v1::STATUS, 9);
  f.status.handle(portal, ask);

  REQUIRE(f.replies.sent.size() == 1);
  CHECK(f.replies.last().identity == "p");
  const v1::Envelope& e = f.replies.last().envelope;
  CHECK(e.command() == v1::STATUS_RESULT);
  CHECK(e.correlation_id() == 9);
  const v1::StatusResult& r = e.status_result();

  CHECK(r.queues_size() == 2);
  const auto* q = queueNamed(r, "q");
  REQUIRE(q != nullptr);
  CHECK(q->depth() == 2);
  CHECK(q->in_flight() == 2);
  CHECK(q->dead_letters() == 1);
  CHECK(q->consumers() == 1);
  const auto* unread = queueNamed(r, "r");
  REQUIRE(unread != nullptr);
  CHECK(unread->depth() == 1);
  CHECK(unread->in_flight() == 0);
  CHECK(unread->consumers() == 0);

  CHECK(r.participants_size() == 2);
  const auto* b = participantNamed(r, "hh-gewerbe");
  REQUIRE(b != nullptr);
  CHECK(b->role() == v1::BACKEND);
  CHECK(b->credit() == 4);
  CHECK(b->in_flight() == 2);
  CHECK(b->session_id() == "s-b");
  const auto* p = participantNamed(r, "psw:02000001");
  REQUIRE(p != nullptr);
  CHECK(p->role() == v1::PORTAL);
  CHECK(p->in_flight() == 0);
  CHECK(p->pending_receipts() == 1);

  CHECK(r.submitted() == 7);
  CHECK(r.accepted() == 5);
  CHECK(r.rejected() == 2);
  CHECK(r.delivered() == 1);
  CHECK(r.broker_version() == OZGBUS_VERSION);
  CHECK(r.adapters_size() == 0);  // no adapter folders
}

TEST_CASE("STATUS_RESULT with no queues and one observer lists just that observer") {
  Fixture f;
  Session& observer = f.connect("o", "ops", v1::OBSERVER, 0);
  wire::Frames ask;
  ask.envelope = wire::makeEnvelope(v1::STATUS, 1);
  f.status.handle(observer, ask);
  REQUIRE(f.replies.sent.size() == 1);
  const v1::StatusResult& r = f.replies.last().envelope.status_result();
  CHECK(r.queues_size() == 0);
  REQUIRE(r.participants_size() == 1);
  CHECK(r.participants(0).participant_id() == "ops");
  CHECK(r.participants(0).role() == v1::OBSERVER);
  CHECK(r.submitted() == 0);
  CHECK(r.delivered() == 0);
}
