// ReceiptOutbox alone: committed receipts go to their portal's connection, at most
// delivery.receipt_window unacknowledged at a time; an ACK frees a slot and queues a
// ReceiptAckOp stamped with the clock's wall time; a detach puts what the connection held back
// to be sent again; a back-end's connection is sent no receipts.
#include "broker/delivery/receipt_outbox.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

DeliveryConfig windowOfTwo() {
  DeliveryConfig c;
  c.receipt_window = 2;
  return c;
}

struct Fixture {
  Fixture()
      : outbox(
            config, store, clock,
            [this](Session& s, const ReceiptRecord& r) {
              sent.emplace_back(s.identity, r.id);
              return true;
            },
            acks) {}

  Session& connect(const std::string& identity, const std::string& participant, v1::Role role) {
    Session s;
    s.identity = identity;
    s.participant = participant;
    s.role = role;
    return sessions.emplace(identity, std::move(s)).first->second;
  }

  void commit(std::uint64_t id, std::uint64_t seq, const std::string& recipient) {
    ReceiptRecord r;
    r.id = id;
    r.seq = seq;
    r.recipient = recipient;
    r.message_uuid = "u" + std::to_string(id);
    outbox.committed(r);
  }

  std::vector<std::uint64_t> sentTo(const std::string& identity) const {
    std::vector<std::uint64_t> ids;
    for (const auto& [to, id] : sent) {
      if (to == identity) ids.push_back(id);
    }
    return ids;
  }

  DeliveryConfig config = windowOfTwo();
  testing::FakeReader store;
  util::ManualClock clock;
  testing::RecordingCommits acks;
  Sessions sessions;
  std::vector<std::pair<std::string, std::uint64_t>> sent;  // connection, receipt id
  ReceiptOutbox outbox;
};

}  // namespace

TEST_CASE("committed receipts go to the portal's connection up to receipt_window") {
  Fixture f;
  Session& p = f.connect("p1", "psw:02000001", v1::PORTAL);
  f.commit(10, 1, "psw:02000001");
  f.commit(11, 2, "psw:02000001");
  f.commit(12, 3, "psw:02000001");
  f.commit(20, 4, "psw:other");  // someone else's
  f.outbox.pump(f.sessions);
  CHECK(f.sentTo("p1") == std::vector<std::uint64_t>{10, 11});
  CHECK(p.receipts.size() == 2);
  f.outbox.pump(f.sessions);
  CHECK(f.sent.size() == 2);  // the window is full
  CHECK(f.outbox.pending("psw:02000001") == 3);
  CHECK(f.outbox.pending("psw:other") == 1);
  CHECK(f.acks.ops.empty());
}

TEST_CASE("an ACK of a receipt frees a slot and writes a ReceiptAckOp with the clock's wall time") {
  Fixture f;
  Session& p = f.connect("p1", "psw:02000001", v1::PORTAL);
  for (std::uint64_t i = 0; i < 3; ++i) f.commit(10 + i, 1 + i, "psw:02000001");
  f.outbox.pump(f.sessions);
  REQUIRE(f.sent.size() == 2);
  f.clock.advance(std::chrono::seconds(5));
  CHECK_FALSE(f.outbox.ack(p, 10));
  const auto taken = f.acks.of<ReceiptAckOp>();
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].id == 10);
  CHECK(taken[0].at_ms == 1'700'000'005'000);
  CHECK(f.outbox.pending("psw:02000001") == 2);
  f.outbox.pump(f.sessions);
  CHECK(f.sentTo("p1") == std::vector<std::uint64_t>{10, 11, 12});

  auto again = f.outbox.ack(p, 10);  // taken already
  REQUIRE(again);
  CHECK(again->reason == v1::UNKNOWN_DELIVERY);
  Session& other = f.connect("p2", "psw:02000001", v1::PORTAL);
  auto not_held = f.outbox.ack(other, 11);  // held by p1, not p2
  REQUIRE(not_held);
  CHECK(not_held->reason == v1::UNKNOWN_DELIVERY);
  CHECK(f.acks.of<ReceiptAckOp>().size() == 1);
}

TEST_CASE("a detach puts the receipts in flight back to be sent again") {
  Fixture f;
  Session& p = f.connect("p1", "psw:02000001", v1::PORTAL);
  f.commit(10, 1, "psw:02000001");
  f.commit(11, 2, "psw:02000001");
  f.commit(12, 3, "psw:02000001");
  f.outbox.pump(f.sessions);
  REQUIRE(f.sentTo("p1").size() == 2);
  f.outbox.detach(p);
  CHECK(p.receipts.empty());
  f.sessions.erase("p1");
  f.connect("p2", "psw:02000001", v1::PORTAL);
  f.outbox.pump(f.sessions);
  auto resent = f.sentTo("p2");
  REQUIRE(resent.size() == 2);
  std::sort(resent.begin(), resent.end());
  CHECK(resent == std::vector<std::uint64_t>{10, 11});  // before 12, which waited behind them
  CHECK(f.outbox.pending("psw:02000001") == 3);
  CHECK(f.acks.ops.empty());
}

TEST_CASE("a back-end's connection is sent no receipts") {
  Fixture f;
  f.connect("b1", "hh-gewerbe", v1::BACKEND);
  f.commit(10, 1, "hh-gewerbe");
  f.outbox.pump(f.sessions);
  CHECK(f.sent.empty());
  CHECK(f.outbox.pending("hh-gewerbe") == 1);
  f.connect("peer", "hh-gewerbe", v1::PEER);  // a peer broker under that name is
  f.outbox.pump(f.sessions);
  CHECK(f.sentTo("peer") == std::vector<std::uint64_t>{10});
}
