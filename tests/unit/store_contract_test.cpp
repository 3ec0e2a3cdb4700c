// The Store contract: what every store engine must do, written against the Store and
// StoreReader interfaces only and run against every backend in tests/support/store_backends.h.
#include <doctest/doctest.h>

#include <map>

#include "broker/store/store.h"
#include "tests/support/store_backends.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

InsertOp insert(const std::string& uuid, const std::string& queue,
                const std::string& author = "psw:1") {
  InsertOp op;
  op.message.uuid = uuid;
  op.message.author = author;
  op.message.sender = author;
  op.message.reader = "ars:020000000000";
  op.message.message_type = "0100";
  op.message.queue = queue;
  op.message.received_at_ms = 1;
  op.message.payload = std::make_shared<const std::string>("<doc>" + uuid + "</doc>");
  op.origin = FromConnection{"conn", 1};
  op.history = "1\treceived\tfrom " + author + "\n";
  return op;
}

SettleOp settle(std::uint64_t id, const std::string& uuid, MessageState state, std::int64_t at = 2,
                ReasonCode reason = v1::REASON_UNSPECIFIED, const std::string& detail = "") {
  return SettleOp{id, "psw:1", uuid, state, reason, detail, "backend", at, "0100"};
}

CommitOutcome apply(Store& s, std::vector<StoreOp> ops) { return s.apply(ops); }

std::unique_ptr<Store> openStore(testing::StoreBackend& b) {
  auto s = b.open();
  REQUIRE_MESSAGE(s.ok(), s.rejection().detail);
  return std::move(*s);
}

std::unique_ptr<StoreReader> readerOf(const Store& s) {
  auto r = s.reader();
  REQUIRE_MESSAGE(r.ok(), r.rejection().detail);
  return std::move(*r);
}

template <typename T>
T value(Result<T> r) {
  REQUIRE_MESSAGE(r.ok(), r.rejection().detail);
  return std::move(*r);
}

// Runs the body once per store engine; a failure names the engine.
template <typename F>
void forEachStore(F&& body) {
  for (const auto& make : testing::storeBackends()) {
    auto backend = make();
    INFO("store backend: " << backend->name());
    body(*backend);
  }
}

}  // namespace

TEST_CASE("store contract: inserts are queued in id order and survive reopening") {
  forEachStore([](testing::StoreBackend& b) {
    {
      auto s = openStore(b);
      auto out = apply(*s, {insert("u1", "q"), insert("u2", "q"), insert("u3", "other")});
      REQUIRE(out.inserts.size() == 3);
      CHECK(out.inserts[0].op.message.id < out.inserts[1].op.message.id);
      CHECK_FALSE(out.inserts[0].duplicate);
      CHECK_FALSE(out.inserts[0].failed);
    }
    auto s = openStore(b);
    auto r = readerOf(*s);
    auto rows = value(r->loadQueued("q", 0, 10));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].uuid == "u1");
    CHECK(*rows[1].payload == "<doc>u2</doc>");
    CHECK(rows[1].queue == "q");
    CHECK(value(r->loadQueued("q", rows[0].id, 10)).size() == 1);
    CHECK(value(r->loadQueued("q", 0, 1)).size() == 1);
    auto counts = value(r->queueCounts());
    REQUIRE(counts.size() == 2);
  });
}

TEST_CASE(
    "store contract: the same (author, uuid) is stored once, also within one batch and after "
    "reopening") {
  forEachStore([](testing::StoreBackend& b) {
    {
      auto s = openStore(b);
      auto out = apply(*s, {insert("u1", "q"), insert("u1", "q"), insert("u1", "q", "psw:2")});
      CHECK_FALSE(out.inserts[0].duplicate);
      CHECK(out.inserts[1].duplicate);
      CHECK_FALSE(out.inserts[2].duplicate);  // another author may use the same uuid
      CHECK(apply(*s, {insert("u1", "q")}).inserts[0].duplicate);
      CHECK(value(readerOf(*s)->loadQueued("q", 0, 10)).size() == 2);
    }
    auto s = openStore(b);
    CHECK(apply(*s, {insert("u1", "q")}).inserts[0].duplicate);
    CHECK_FALSE(apply(*s, {insert("u2", "q")}).inserts[0].duplicate);
  });
}

TEST_CASE(
    "store contract: the duplicate key is author, id and type, and a duplicate with another "
    "document is a conflict that names the stored digest") {
  forEachStore([](testing::StoreBackend& b) {
    {
      auto s = openStore(b);
      InsertOp other_type = insert("P-1", "q");
      other_type.message.message_type = "0302";
      auto out = apply(*s, {insert("P-1", "q"), other_type});
      REQUIRE(out.inserts.size() == 2);
      CHECK_FALSE(out.inserts[0].duplicate);
      CHECK_FALSE(out.inserts[1].duplicate);  // a process id shared by two message types
      CHECK(out.inserts[0].conflict.empty());
      CHECK(value(readerOf(*s)->loadQueued("q", 0, 10)).size() == 2);
    }
    auto s = openStore(b);
    auto same = apply(*s, {insert("P-1", "q")});
    CHECK(same.inserts[0].duplicate);
    CHECK(same.inserts[0].conflict.empty());
    InsertOp changed = insert("P-1", "q");
    changed.message.payload = std::make_shared<const std::string>("<doc>changed</doc>");
    auto conflict = apply(*s, {changed});
    CHECK(conflict.inserts[0].duplicate);
    CHECK(conflict.inserts[0].conflict.size() == 64);  // hex SHA-256 of the stored document
    CHECK(conflict.inserts[0].conflict != conflict.inserts[0].op.message.authored_sha256);
    CHECK(value(readerOf(*s)->loadQueued("q", 0, 10)).size() == 2);
  });
}

TEST_CASE(
    "store contract: settling makes a receipt once, its ACK clears it, dead letters leave the "
    "queue") {
  forEachStore([](testing::StoreBackend& b) {
    auto s = openStore(b);
    auto r = readerOf(*s);
    auto out = apply(*s, {insert("u1", "q"), insert("u2", "q")});
    const auto id1 = out.inserts[0].op.message.id;
    const auto id2 = out.inserts[1].op.message.id;
    auto settled = apply(
        *s, {settle(id1, "u1", MessageState::kDelivered, 5),
             settle(id1, "u1", MessageState::kDelivered, 6),
             settle(id2, "u2", MessageState::kDeadLetter, 7, v1::MAX_ATTEMPTS, "5 attempts")});
    // A second settle of the same id is a no-op; the dead letter tells its portal too.
    REQUIRE(settled.receipts.size() == 2);
    CHECK(settled.receipts[0].message_uuid == "u1");
    CHECK(settled.receipts[0].at_ms == 5);
    CHECK(settled.receipts[1].outcome == MessageState::kDeadLetter);
    CHECK(settled.receipts[1].reason == v1::MAX_ATTEMPTS);
    CHECK(value(r->loadQueued("q", 0, 10)).empty());
    CHECK(value(r->loadReceipts("psw:1", 0, 10)).size() == 2);
    auto counts = value(r->queueCounts());
    REQUIRE(counts.size() == 1);
    CHECK(counts[0].queued == 0);
    CHECK(counts[0].dead == 1);
    auto pending = value(r->pendingReceipts());
    REQUIRE(pending.size() == 1);
    CHECK(pending[0] == std::make_pair(std::string("psw:1"), std::uint64_t{2}));

    apply(*s, {ReceiptAckOp{id1, 8}, ReceiptAckOp{id2, 8}});
    CHECK(value(r->loadReceipts("psw:1", 0, 10)).empty());
    CHECK(value(r->pendingReceipts()).empty());
    // A message the store could not give back intact names no sender worth a receipt.
    auto out3 = apply(*s, {insert("u3", "q")});
    auto damaged = apply(*s, {settle(out3.inserts[0].op.message.id, "u3", MessageState::kDeadLetter,
                                     9, v1::STORE_CORRUPT, "digest mismatch")});
    CHECK(damaged.receipts.empty());
  });
}

TEST_CASE("store contract: receipts come back in the order they were made, also after a restart") {
  forEachStore([](testing::StoreBackend& b) {
    std::uint64_t first_seq = 0;
    {
      auto s = openStore(b);
      auto out = apply(*s, {insert("u1", "q"), insert("u2", "q")});
      const auto id1 = out.inserts[0].op.message.id;
      const auto id2 = out.inserts[1].op.message.id;
      auto later = apply(*s, {settle(id2, "u2", MessageState::kDelivered, 1)});
      auto earlier = apply(*s, {settle(id1, "u1", MessageState::kDelivered, 2)});
      REQUIRE(later.receipts.size() == 1);
      REQUIRE(earlier.receipts.size() == 1);
      CHECK(later.receipts[0].seq < earlier.receipts[0].seq);
      first_seq = later.receipts[0].seq;
    }
    auto s = openStore(b);
    auto r = readerOf(*s);
    auto rows = value(r->loadReceipts("psw:1", 0, 10));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].message_uuid == "u2");
    CHECK(rows[1].message_uuid == "u1");
    CHECK(value(r->loadReceipts("psw:1", first_seq, 10)).size() == 1);
    auto out = apply(*s, {insert("u3", "q")});
    auto next =
        apply(*s, {settle(out.inserts[0].op.message.id, "u3", MessageState::kDelivered, 3)});
    CHECK(next.receipts[0].seq > rows[1].seq);
  });
}

TEST_CASE(
    "store contract: a message keeps its trace, found by its UUID in any letter case and from any "
    "author") {
  forEachStore([](testing::StoreBackend& b) {
    auto s = openStore(b);
    auto out =
        apply(*s, {insert("AbCd-1", "q"), insert("abcd-1", "q", "psw:2"), insert("other", "q")});
    const auto id = out.inserts[0].op.message.id;
    apply(*s, {AttemptOp{id, 1, "to be: timeout", 3},
               settle(id, "AbCd-1", MessageState::kDelivered, 4)});
    auto traces = value(readerOf(*s)->traces("ABCD-1"));
    REQUIRE(traces.size() == 2);
    CHECK(traces[0].id == id);
    CHECK(traces[0].author == "psw:1");
    CHECK(traces[1].author == "psw:2");
    std::vector<std::string> events;
    for (const auto& e : traces[0].events) events.push_back(e.event);
    CHECK(events == std::vector<std::string>{"received", "stored", "delivery_failed", "delivered"});
    CHECK(traces[0].events[2].at_ms == 3);
    CHECK(value(readerOf(*s)->traces("nobody")).empty());
  });
}

TEST_CASE(
    "store contract: dead letters keep their documents, are listed newest first, replayed in place "
    "or discarded") {
  forEachStore([](testing::StoreBackend& b) {
    auto s = openStore(b);
    auto r = readerOf(*s);
    auto held = insert("held", "q");
    held.dead_letter = reject(v1::ADAPTER_FAILED, "adapter 'x': broken");
    auto out = apply(*s, {held, insert("later", "q")});
    const auto dead = out.inserts[0].op.message.id;
    const auto later = out.inserts[1].op.message.id;
    apply(*s,
          {settle(later, "later", MessageState::kDeadLetter, 9, v1::MAX_ATTEMPTS, "5 attempts")});
    auto list = value(r->deadLetters(10));
    REQUIRE(list.size() == 2);
    CHECK(list[0].id == later);
    CHECK(list[0].reason == v1::MAX_ATTEMPTS);
    CHECK(list[1].detail == "adapter 'x': broken");
    auto stored = value(r->loadMessage(dead));
    REQUIRE(stored);
    CHECK(stored->state == MessageState::kDeadLetter);
    REQUIRE(stored->message.payload);
    CHECK(*stored->message.payload == "<doc>held</doc>");

    InsertOp replay = insert("held", "q2");
    replay.origin = FromReplay{7, dead, "q", "operator", 1};
    replay.message.received_at_ms = 20;
    auto replayed = apply(*s, {replay, DiscardOp{later, "operator", 21}});
    REQUIRE(replayed.inserts.size() == 1);
    CHECK_FALSE(replayed.inserts[0].failed);
    CHECK(replayed.inserts[0].op.message.id == dead);  // the same row
    CHECK(replayed.discarded.size() == 1);
    // The audit log names who replayed it.
    std::vector<AuditEntry> replays;
    CHECK_FALSE(r->readAudit(std::string("held"), std::nullopt, [&](const AuditEntry& e) {
      if (e.event == "replayed") replays.push_back(e);
    }));
    REQUIRE(replays.size() == 1);
    CHECK(replays[0].participant == "operator");
    CHECK(replays[0].detail == "into queue q2");
    CHECK(value(r->deadLetters(10)).empty());
    auto queued = value(r->loadQueued("q2", 0, 10));
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].id == dead);
    auto discarded = value(r->loadMessage(later));
    REQUIRE(discarded);
    CHECK(discarded->state == MessageState::kDiscarded);
    CHECK_FALSE(discarded->message.payload);  // its document is gone
    // Neither twice.
    auto again = apply(*s, {replay, DiscardOp{later, "operator", 22}});
    CHECK(again.inserts[0].failed);
    CHECK(again.not_discarded.size() == 1);
    CHECK_FALSE(value(r->loadMessage(999999)));
  });
}

TEST_CASE(
    "store contract: retention removes only what is settled for good and received before the "
    "cut-off") {
  forEachStore([](testing::StoreBackend& b) {
    auto s = openStore(b);
    auto r = readerOf(*s);
    // received_at_ms 1 (old) for all but "new"; ids follow the insert order.
    auto fresh = insert("new", "q");
    fresh.message.received_at_ms = 5000;
    auto in = apply(*s, {insert("acked", "q"), insert("receipt-waiting", "q"), insert("dead", "q"),
                         insert("queued", "q"), insert("rejected", "q"), fresh});
    REQUIRE(in.inserts.size() == 6);
    std::map<std::string, std::uint64_t> id;
    for (const auto& o : in.inserts) id[o.op.message.uuid] = o.op.message.id;
    apply(*s, {settle(id["acked"], "acked", MessageState::kDelivered),
               settle(id["receipt-waiting"], "receipt-waiting", MessageState::kDelivered),
               settle(id["dead"], "dead", MessageState::kDeadLetter),
               settle(id["rejected"], "rejected", MessageState::kRejected),
               settle(id["new"], "new", MessageState::kDelivered)});
    apply(*s, {ReceiptAckOp{id["acked"], 3}, ReceiptAckOp{id["rejected"], 3},
               ReceiptAckOp{id["new"], 3}});

    // Two rows per operation: the purge goes on where the last one stopped.
    std::uint64_t after = 0, removed = 0;
    int rounds = 0;
    do {
      auto out = apply(*s, {PurgeOp{1000, 5000, after, 2}});
      REQUIRE(out.purged);
      removed += out.purged->first;
      after = out.purged->second;
    } while (after != 0 && ++rounds < 10);
    CHECK(removed == 2);
    CHECK_FALSE(value(r->loadMessage(id["acked"])));
    CHECK_FALSE(value(r->loadMessage(id["rejected"])));
    for (const char* kept : {"receipt-waiting", "dead", "queued", "new"}) {
      CHECK_MESSAGE(value(r->loadMessage(id[kept])), kept);
    }
    CHECK(value(r->traces("acked")).empty());
    CHECK(value(r->traces("dead")).size() == 1);
    // Duplicates are recognised within the retention window only.
    CHECK_FALSE(apply(*s, {insert("acked", "q")}).inserts[0].duplicate);
    CHECK(apply(*s, {insert("dead", "q")}).inserts[0].duplicate);
    // Nothing more to do: one look, nothing removed, start over next time.
    auto again = apply(*s, {PurgeOp{1000, 5000, 0, 100}});
    REQUIRE(again.purged);
    CHECK(again.purged->first == 0);
    CHECK(again.purged->second == 0);
  });
}

TEST_CASE(
    "store contract: the audit log records each change in its transaction as one intact chain") {
  forEachStore([](testing::StoreBackend& b) {
    auto s = openStore(b);
    auto out = apply(*s, {insert("u1", "q"), insert("u2", "q")});
    apply(*s, {settle(out.inserts[0].op.message.id, "u1", MessageState::kDelivered, 5),
               ReceiptAckOp{out.inserts[0].op.message.id, 6}});
    auto r = readerOf(*s);
    auto verdict = value(r->verifyAudit(std::nullopt));
    CHECK(verdict.ok);
    CHECK(verdict.entries == 4);
    std::vector<std::string> events;
    CHECK_FALSE(r->readAudit(std::string("u1"), std::nullopt,
                             [&](const AuditEntry& e) { events.push_back(e.event); }));
    CHECK(events == std::vector<std::string>{"accepted", "delivered", "receipt_acknowledged"});
    std::vector<std::uint64_t> last;
    CHECK_FALSE(r->readAudit(std::nullopt, 2, [&](const AuditEntry& e) { last.push_back(e.seq); }));
    CHECK(last == std::vector<std::uint64_t>{3, 4});
    // The chain continues across a restart.
    s.reset();
    r.reset();
    auto again = openStore(b);
    apply(*again, {insert("u3", "q")});
    auto v2 = value(readerOf(*again)->verifyAudit(AuditTip{verdict.last_seq, verdict.last_hash}));
    CHECK(v2.ok);
    CHECK(v2.entries == 5);
  });
}
