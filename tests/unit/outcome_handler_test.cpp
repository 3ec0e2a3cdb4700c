// OutcomeHandler alone: a pipeline refusal and each kind of committed insert (stored, duplicate,
// failed, held as a dead letter) turned into the connection's SUBMIT_RESULT, counts and the
// dispatcher's queues; a commit's receipts reach the ReceiptOutbox and its purge step reaches
// Retention.
#include "broker/transport/outcome_handler.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

struct Fixture {
  Fixture()
      : limiter(SubmitLimits{1000, 1000, 1}),  // one submission in progress per connection
        rejections(counters, nullptr, clock),
        dispatcher(
            delivery, store, clock, [](Session&, const QueuedMessage&) { return true; }, writes),
        outbox(
            delivery, store, clock,
            [this](Session&, const ReceiptRecord& r) {
              receipts_sent.push_back(r.id);
              return true;
            },
            writes),
        dead_letters(
            store, writes, dispatcher, [](Message) {}, counters, clock),
        retention(store_config, clock, writes),
        handler(OutcomeHandler::Context{replies, limiter, rejections, counters, dispatcher, outbox,
                                        dead_letters, retention, nullptr, in_pipeline, clock,
                                        bytes_in_flight}) {}

  // A commit with one insert of a message from connection "conn" (request 12) for queue hh.
  static CommitOutcome insert(std::uint64_t id) {
    InsertOutcome o;
    o.op.origin = FromConnection{"conn", 12};
    o.op.message.id = id;
    o.op.message.uuid = "u" + std::to_string(id);
    o.op.message.sender = "psw:02000001";
    o.op.message.queue = "hh";
    o.op.message.payload = std::make_shared<const std::string>("<x/>");
    CommitOutcome c;
    c.inserts.push_back(std::move(o));
    c.operations = 1;
    return c;
  }

  const v1::SubmitResult& answer() const {
    REQUIRE(replies.sent.size() == 1);
    CHECK(replies.last().identity == "conn");
    CHECK(replies.last().envelope.correlation_id() == 12);
    REQUIRE(replies.last().envelope.command() == v1::SUBMIT_RESULT);
    return replies.last().envelope.submit_result();
  }

  DeliveryConfig delivery;
  StoreConfig store_config;
  testing::FakeReader store;
  util::ManualClock clock;
  testing::RecordingCommits writes;
  testing::RecordingReplies replies;
  BrokerCounters counters;
  std::uint64_t in_pipeline = 1;
  std::uint64_t bytes_in_flight = 0;
  std::vector<std::uint64_t> receipts_sent;
  SubmitLimiter limiter;
  RejectionLog rejections;
  Dispatcher dispatcher;
  ReceiptOutbox outbox;
  DeadLetterAdmin dead_letters;
  Retention retention;
  OutcomeHandler handler;
};

}  // namespace

TEST_CASE(
    "a refusal of a connection's message answers SUBMIT_RESULT not accepted with the reason") {
  Fixture f;
  REQUIRE_FALSE(f.limiter.admit("psw:02000001", "conn", f.clock.steady()));
  Refusal r{FromConnection{"conn", 12}, "u1", reject(v1::NO_ROUTE, "no rule for ars:11"),
            "psw:02000001"};
  f.handler.refused(r);
  const auto& result = f.answer();
  CHECK_FALSE(result.accepted());
  CHECK(result.reason() == v1::NO_ROUTE);
  CHECK(result.detail() == "no rule for ars:11");
  CHECK(result.message_uuid() == "u1");
  CHECK(f.in_pipeline == 0);
  CHECK(f.counters.rejected == 1);
  CHECK(f.rejections.recent().front().message_uuid == "u1");
  // The limiter heard the answer: the connection may submit again.
  CHECK_FALSE(f.limiter.admit("psw:02000001", "conn", f.clock.steady()));
}

TEST_CASE(
    "a committed insert answers ACCEPTED with its destination and is handed to the dispatcher") {
  Fixture f;
  CommitOutcome c = Fixture::insert(1);
  f.handler.committed(c);
  const auto& result = f.answer();
  CHECK(result.accepted());
  CHECK_FALSE(result.duplicate());
  CHECK(result.destination() == "hh");
  CHECK(result.message_uuid() == "u1");
  CHECK(f.in_pipeline == 0);
  CHECK(f.counters.accepted == 1);
  CHECK(f.counters.commits == 1);
  CHECK(f.counters.store_ok);
  REQUIRE(f.dispatcher.queues().size() == 1);
  CHECK(f.dispatcher.queues().front().name == "hh");
  CHECK(f.dispatcher.queues().front().depth == 1);
}

TEST_CASE("a duplicate insert answers accepted and duplicate and queues nothing") {
  Fixture f;
  CommitOutcome c = Fixture::insert(1);
  c.inserts[0].duplicate = true;
  f.handler.committed(c);
  const auto& result = f.answer();
  CHECK(result.accepted());
  CHECK(result.duplicate());
  CHECK(f.counters.duplicates == 1);
  CHECK(f.dispatcher.queues().empty());
}

TEST_CASE("a duplicate with another document answers DUPLICATE_CONFLICT and queues nothing") {
  Fixture f;
  CommitOutcome c = Fixture::insert(1);
  c.inserts[0].duplicate = true;
  c.inserts[0].conflict = std::string(64, 'a');
  c.inserts[0].op.message.authored_sha256 = std::string(64, 'b');
  f.handler.committed(c);
  const auto& result = f.answer();
  CHECK_FALSE(result.accepted());
  CHECK(result.duplicate());
  CHECK(result.reason() == v1::DUPLICATE_CONFLICT);
  CHECK(result.detail().find("sha256 aaaaaaaaaaaaaaaa") != std::string::npos);
  CHECK(result.detail().find("this one bbbbbbbbbbbbbbbb") != std::string::npos);
  CHECK(f.counters.accepted == 0);
  CHECK(f.counters.duplicates == 0);
  CHECK(f.dispatcher.queues().empty());
}

TEST_CASE("a failed insert answers STORE_FAILED and marks the store unhealthy") {
  Fixture f;
  CommitOutcome c = Fixture::insert(1);
  c.inserts[0].failed = true;
  c.inserts[0].error = "disk full";
  c.error = "disk full";  // as the store reports a failed commit
  f.handler.committed(c);
  const auto& result = f.answer();
  CHECK_FALSE(result.accepted());
  CHECK(result.reason() == v1::STORE_FAILED);
  CHECK(result.detail().find("disk full") != std::string::npos);
  CHECK_FALSE(f.counters.store_ok);
  CHECK(f.counters.rejected == 1);
  CHECK(f.counters.accepted == 0);
  CHECK(f.dispatcher.queues().empty());
  f.in_pipeline = 1;
  CommitOutcome next = Fixture::insert(2);
  f.handler.committed(next);
  CHECK(f.counters.store_ok);  // the next commit went through
}

TEST_CASE("an insert stored as a dead letter answers accepted with the dead letter's reason") {
  Fixture f;
  CommitOutcome c = Fixture::insert(1);
  c.inserts[0].op.dead_letter = reject(v1::ADAPTER_FAILED, "stylesheet failed");
  f.handler.committed(c);
  const auto& result = f.answer();
  CHECK(result.accepted());
  CHECK(result.reason() == v1::ADAPTER_FAILED);
  CHECK(result.detail() == "held in the dead-letter queue: stylesheet failed");
  CHECK(f.counters.dead_lettered == 1);
  REQUIRE(f.dispatcher.queues().size() == 1);
  CHECK(f.dispatcher.queues().front().dead == 1);
  CHECK(f.dispatcher.queues().front().depth == 0);
}

TEST_CASE("the receipts a commit made reach the receipt outbox") {
  Fixture f;
  CommitOutcome c;
  ReceiptRecord r;
  r.id = 5;
  r.seq = 1;
  r.recipient = "psw:02000001";
  c.receipts.push_back(r);
  f.handler.committed(c);
  CHECK(f.replies.sent.empty());
  CHECK(f.outbox.pending("psw:02000001") == 1);
  Sessions sessions;
  Session portal;
  portal.identity = "conn";
  portal.participant = "psw:02000001";
  portal.role = v1::PORTAL;
  sessions.emplace("conn", portal);
  f.outbox.pump(sessions);
  CHECK(f.receipts_sent == std::vector<std::uint64_t>{5});
}

TEST_CASE("a commit's purge step reaches retention, which goes on where it left off") {
  Fixture f;
  f.store_config.retain_days = 1;
  f.clock.advance(std::chrono::seconds(10));  // retention's first look
  f.retention.tick();
  REQUIRE(f.writes.of<PurgeOp>().size() == 1);
  f.clock.advance(std::chrono::seconds(120));
  f.retention.tick();
  CHECK(f.writes.of<PurgeOp>().size() == 1);  // its step is in flight
  CommitOutcome c;
  c.purged = std::make_pair(std::uint64_t{1000}, std::uint64_t{4711});
  f.handler.committed(c);
  f.clock.advance(std::chrono::milliseconds(100));
  f.retention.tick();
  const auto purges = f.writes.of<PurgeOp>();
  REQUIRE(purges.size() == 2);
  CHECK(purges[1].after_id == 4711);
}
