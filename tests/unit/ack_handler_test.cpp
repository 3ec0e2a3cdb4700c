// AckHandler alone, over a real Dispatcher and ReceiptOutbox: an ACK must name exactly one of a
// delivery and a receipt; an ACK or NACK of a delivery the connection does not hold is an ERROR
// (UNKNOWN_DELIVERY); an ACK of a held delivery settles it, a NACK refuses it; a portal's ACK of
// a receipt it was sent becomes a ReceiptAckOp.
#include "broker/transport/ack_handler.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

struct Fixture {
  Fixture()
      : dispatcher(
            config, store, clock, [](Session&, const QueuedMessage&) { return true; }, writes),
        outbox(
            config, store, clock,
            [this](Session&, const ReceiptRecord& r) {
              receipts_sent.push_back(r.id);
              return true;
            },
            writes),
        acks(AckHandler::Context{dispatcher, outbox, replies, counters}) {}

  Session& connect(const std::string& identity, const std::string& participant, v1::Role role) {
    Session s;
    s.identity = identity;
    s.participant = participant;
    s.role = role;
    s.credit = 10;
    if (role == v1::BACKEND) s.queues = {"q"};
    Session& stored = sessions.emplace(identity, std::move(s)).first->second;
    dispatcher.attach(stored);
    return stored;
  }

  // Message `id` committed to queue q and delivered to the back-end connected.
  void deliver(std::uint64_t id) {
    QueuedMessage m;
    m.id = id;
    m.uuid = "u" + std::to_string(id);
    m.sender = "psw:02000001";
    m.queue = "q";
    m.payload = std::make_shared<const std::string>("<x/>");
    dispatcher.committed(m);
    dispatcher.pump(sessions);
  }

  static wire::Frames ack(std::uint64_t delivery_id, std::uint64_t receipt_id) {
    wire::Frames f;
    f.envelope = wire::makeEnvelope(v1::ACK, 31);
    f.envelope.mutable_ack()->set_delivery_id(delivery_id);
    f.envelope.mutable_ack()->set_receipt_id(receipt_id);
    return f;
  }

  ReasonCode lastError() const {
    REQUIRE_FALSE(replies.sent.empty());
    REQUIRE(replies.last().envelope.command() == v1::ERROR);
    CHECK(replies.last().envelope.correlation_id() == 31);
    return replies.last().envelope.error().reason();
  }

  DeliveryConfig config;
  testing::FakeReader store;
  util::ManualClock clock;
  testing::RecordingCommits writes;
  testing::RecordingReplies replies;
  BrokerCounters counters;
  Sessions sessions;
  std::vector<std::uint64_t> receipts_sent;
  Dispatcher dispatcher;
  ReceiptOutbox outbox;
  AckHandler acks;
};

}  // namespace

TEST_CASE("an ACK naming neither or both of delivery_id and receipt_id is MALFORMED_FRAME") {
  Fixture f;
  Session& s = f.connect("b", "hh-gewerbe", v1::BACKEND);
  f.acks.ack(s, Fixture::ack(0, 0));
  CHECK(f.lastError() == v1::MALFORMED_FRAME);
  f.acks.ack(s, Fixture::ack(1, 2));
  CHECK(f.lastError() == v1::MALFORMED_FRAME);
  CHECK(f.counters.errors == 2);
  CHECK(f.writes.ops.empty());
}

TEST_CASE(
    "an ACK of a delivery the connection does not hold is an ERROR reply with UNKNOWN_DELIVERY") {
  Fixture f;
  Session& s = f.connect("b", "hh-gewerbe", v1::BACKEND);
  f.acks.ack(s, Fixture::ack(99, 0));
  CHECK(f.lastError() == v1::UNKNOWN_DELIVERY);
  CHECK(f.replies.last().identity == "b");
  CHECK(f.counters.errors == 1);
  CHECK(f.writes.ops.empty());
}

TEST_CASE("an ACK of a held delivery settles it as delivered, with no reply") {
  Fixture f;
  Session& s = f.connect("b", "hh-gewerbe", v1::BACKEND);
  f.deliver(1);
  REQUIRE(s.deliveries.count(1) == 1);
  f.clock.advance(std::chrono::seconds(2));
  f.acks.ack(s, Fixture::ack(1, 0));
  CHECK(f.replies.sent.empty());
  CHECK(f.counters.errors == 0);
  CHECK(s.deliveries.empty());
  const auto settles = f.writes.of<SettleOp>();
  REQUIRE(settles.size() == 1);
  CHECK(settles[0].id == 1);
  CHECK(settles[0].state == MessageState::kDelivered);
  CHECK(settles[0].receiver == "hh-gewerbe");
  CHECK(settles[0].sender == "psw:02000001");
  CHECK(settles[0].at_ms == f.clock.wallMillis());
  f.acks.ack(s, Fixture::ack(1, 0));  // settled already
  CHECK(f.lastError() == v1::UNKNOWN_DELIVERY);
}

TEST_CASE(
    "a NACK without a delivery_id is MALFORMED_FRAME, and a NACK of a held delivery refuses it") {
  Fixture f;
  Session& s = f.connect("b", "hh-gewerbe", v1::BACKEND);
  wire::Frames bare;
  bare.envelope = wire::makeEnvelope(v1::NACK, 31);
  f.acks.nack(s, bare);
  CHECK(f.lastError() == v1::MALFORMED_FRAME);
  wire::Frames zero;
  zero.envelope = wire::makeEnvelope(v1::NACK, 31);
  zero.envelope.mutable_nack()->set_detail("no id");
  f.acks.nack(s, zero);
  CHECK(f.lastError() == v1::MALFORMED_FRAME);
  CHECK(f.counters.errors == 2);

  f.deliver(4);
  f.replies.sent.clear();
  wire::Frames nack;
  nack.envelope = wire::makeEnvelope(v1::NACK, 31);
  nack.envelope.mutable_nack()->set_delivery_id(4);
  nack.envelope.mutable_nack()->set_detail("Pflichtangabe fehlt");
  f.acks.nack(s, nack);
  CHECK(f.replies.sent.empty());
  const auto settles = f.writes.of<SettleOp>();
  REQUIRE(settles.size() == 1);
  CHECK(settles[0].state == MessageState::kRejected);
  CHECK(settles[0].detail == "Pflichtangabe fehlt");
}

TEST_CASE("a portal's ACK of a receipt it was sent becomes a ReceiptAckOp") {
  Fixture f;
  Session& p = f.connect("p", "psw:02000001", v1::PORTAL);
  ReceiptRecord r;
  r.id = 7;
  r.seq = 1;
  r.recipient = "psw:02000001";
  r.message_uuid = "u7";
  r.receiver = "hh-gewerbe";
  f.outbox.committed(r);
  f.outbox.pump(f.sessions);
  REQUIRE(f.receipts_sent == std::vector<std::uint64_t>{7});
  REQUIRE(p.receipts.count(7) == 1);
  CHECK(f.outbox.pending("psw:02000001") == 1);
  f.clock.advance(std::chrono::seconds(1));
  f.acks.ack(p, Fixture::ack(0, 7));
  CHECK(f.replies.sent.empty());
  const auto taken = f.writes.of<ReceiptAckOp>();
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].id == 7);
  CHECK(taken[0].at_ms == f.clock.wallMillis());
  CHECK(f.outbox.pending("psw:02000001") == 0);
  CHECK(p.receipts.empty());
  f.acks.ack(p, Fixture::ack(0, 7));  // taken already
  CHECK(f.lastError() == v1::UNKNOWN_DELIVERY);
}
