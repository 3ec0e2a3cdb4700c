#include "broker/store/sqlite_store.h"

#include <doctest/doctest.h>

#include <map>

#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

InsertOp insert(const std::string& uuid, const std::string& queue, const std::string& author = "psw:1") {
  InsertOp op;
  op.message.uuid = uuid;
  op.message.author = author;
  op.message.sender = author;
  op.message.reader = "ars:020000000000";
  op.message.message_type = "0100";
  op.message.queue = queue;
  op.message.received_at_ms = 1;
  op.message.payload = std::make_shared<const std::string>("<doc>" + uuid + "</doc>");
  return op;
}

CommitOutcome apply(Store& s, std::vector<StoreOp> ops) { return s.apply(ops); }

}  // namespace

TEST_CASE("inserts are queued in id order and survive reopening") {
  testing::TempDir dir;
  const auto file = dir.path() / "s.db";
  {
    auto s = SqliteStore::open(file, true);
    REQUIRE(s.ok());
    auto out = apply(**s, {insert("u1", "q"), insert("u2", "q"), insert("u3", "other")});
    REQUIRE(out.inserts.size() == 3);
    CHECK(out.inserts[0].op.message.id < out.inserts[1].op.message.id);
    CHECK_FALSE(out.inserts[0].duplicate);
  }
  auto s = SqliteStore::open(file, true);
  REQUIRE(s.ok());
  auto rows = (*s)->loadQueued("q", 0, 10);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].uuid == "u1");
  CHECK(*rows[1].payload == "<doc>u2</doc>");
  CHECK((*s)->loadQueued("q", rows[0].id, 10).size() == 1);
  CHECK((*s)->loadQueued("q", 0, 1).size() == 1);
  auto counts = (*s)->queueCounts();
  REQUIRE(counts.size() == 2);
}

TEST_CASE("the same (author, uuid) is stored once, also within one batch") {
  testing::TempDir dir;
  auto s = SqliteStore::open(dir.path() / "s.db", true);
  REQUIRE(s.ok());
  auto out = apply(**s, {insert("u1", "q"), insert("u1", "q"), insert("u1", "q", "psw:2")});
  CHECK_FALSE(out.inserts[0].duplicate);
  CHECK(out.inserts[1].duplicate);
  CHECK_FALSE(out.inserts[2].duplicate);  // another author may use the same uuid
  auto again = apply(**s, {insert("u1", "q")});
  CHECK(again.inserts[0].duplicate);
  CHECK((*s)->loadQueued("q", 0, 10).size() == 2);
}

TEST_CASE("duplicates are still found after reopening the store") {
  testing::TempDir dir;
  const auto file = dir.path() / "s.db";
  {
    auto s = SqliteStore::open(file, true);
    REQUIRE(s.ok());
    apply(**s, {insert("u1", "q")});
  }
  auto s = SqliteStore::open(file, true);
  REQUIRE(s.ok());
  CHECK(apply(**s, {insert("u1", "q")}).inserts[0].duplicate);
  CHECK_FALSE(apply(**s, {insert("u2", "q")}).inserts[0].duplicate);
}

TEST_CASE("settling creates a receipt once; receipt ACK clears it; dead letters leave the queue") {
  testing::TempDir dir;
  auto s = SqliteStore::open(dir.path() / "s.db", true);
  REQUIRE(s.ok());
  auto out = apply(**s, {insert("u1", "q"), insert("u2", "q")});
  const auto id1 = out.inserts[0].op.message.id;
  const auto id2 = out.inserts[1].op.message.id;

  auto settled = apply(**s, {SettleOp{id1, "psw:1", "u1", MessageState::kDelivered,
                                      v1::REASON_UNSPECIFIED, "", "backend", 5},
                             SettleOp{id1, "psw:1", "u1", MessageState::kDelivered,
                                      v1::REASON_UNSPECIFIED, "", "backend", 6},
                             SettleOp{id2, "psw:1", "u2", MessageState::kDeadLetter,
                                      v1::MAX_ATTEMPTS, "5 attempts", "backend", 7}});
  REQUIRE(settled.receipts.size() == 1);  // a second settle of the same id is a no-op
  CHECK(settled.receipts[0].message_uuid == "u1");
  CHECK((*s)->loadQueued("q", 0, 10).empty());
  CHECK((*s)->loadReceipts("psw:1", 0, 10).size() == 1);
  auto counts = (*s)->queueCounts();
  REQUIRE(counts.size() == 1);
  CHECK(counts[0].queued == 0);
  CHECK(counts[0].dead == 1);

  apply(**s, {ReceiptAckOp{id1}});
  CHECK((*s)->loadReceipts("psw:1", 0, 10).empty());
  CHECK((*s)->pendingReceipts().empty());
}

TEST_CASE("receipts come back in the order they were made, not in message order") {
  testing::TempDir dir;
  const auto file = dir.path() / "s.db";
  std::uint64_t first_seq = 0;
  {
    auto s = SqliteStore::open(file, true);
    REQUIRE(s.ok());
    auto out = apply(**s, {insert("u1", "q"), insert("u2", "q")});
    const auto id1 = out.inserts[0].op.message.id;
    const auto id2 = out.inserts[1].op.message.id;
    auto later = apply(**s, {SettleOp{id2, "psw:1", "u2", MessageState::kDelivered, v1::REASON_UNSPECIFIED, "", "b", 1}});
    auto earlier = apply(**s, {SettleOp{id1, "psw:1", "u1", MessageState::kDelivered, v1::REASON_UNSPECIFIED, "", "b", 2}});
    REQUIRE(later.receipts.size() == 1);
    REQUIRE(earlier.receipts.size() == 1);
    CHECK(later.receipts[0].seq < earlier.receipts[0].seq);
    first_seq = later.receipts[0].seq;
  }
  auto s = SqliteStore::open(file, true);  // the sequence continues after a restart
  REQUIRE(s.ok());
  auto rows = (*s)->loadReceipts("psw:1", 0, 10);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].message_uuid == "u2");
  CHECK(rows[1].message_uuid == "u1");
  CHECK((*s)->loadReceipts("psw:1", first_seq, 10).size() == 1);
  auto out = apply(**s, {insert("u3", "q")});
  auto next = apply(**s, {SettleOp{out.inserts[0].op.message.id, "psw:1", "u3", MessageState::kDelivered,
                                   v1::REASON_UNSPECIFIED, "", "b", 3}});
  CHECK(next.receipts[0].seq > rows[1].seq);
}

TEST_CASE("an unwritable store is refused at open with the path in the message") {
  auto s = SqliteStore::open("/proc/ozgbus-cannot-be-here/s.db", true);
  REQUIRE_FALSE(s.ok());
  CHECK(s.rejection().reason == v1::STORE_FAILED);
  CHECK(s.rejection().detail.find("ozgbus-cannot-be-here") != std::string::npos);
}

TEST_CASE("retention removes only what is settled for good and received before the cut-off") {
  testing::TempDir dir;
  auto opened = SqliteStore::open(dir.path() / "s.db", true);
  REQUIRE(opened.ok());
  SqliteStore& s = **opened;
  // received_at_ms 1 (old) for all but "new"; ids follow the insert order.
  auto fresh = insert("new", "q");
  fresh.message.received_at_ms = 5000;
  auto in = apply(s, {insert("acked", "q"), insert("receipt-waiting", "q"), insert("dead", "q"),
                      insert("queued", "q"), insert("rejected", "q"), fresh});
  REQUIRE(in.inserts.size() == 6);
  std::map<std::string, std::uint64_t> id;
  for (const auto& o : in.inserts) id[o.op.message.uuid] = o.op.message.id;
  const auto settle = [&](const std::string& uuid, MessageState state) {
    return SettleOp{id[uuid], "psw:1", uuid, state, v1::REASON_UNSPECIFIED, "", "be", 2, "0100"};
  };
  apply(s, {settle("acked", MessageState::kDelivered), settle("receipt-waiting", MessageState::kDelivered),
            settle("dead", MessageState::kDeadLetter), settle("rejected", MessageState::kRejected),
            settle("new", MessageState::kDelivered)});
  apply(s, {ReceiptAckOp{id["acked"]}, ReceiptAckOp{id["rejected"]}, ReceiptAckOp{id["new"]}});

  // Two rows per operation: the purge goes on where the last one stopped.
  std::uint64_t after = 0, removed = 0;
  int rounds = 0;
  do {
    auto out = apply(s, {PurgeOp{1000, 5000, after, 2}});
    REQUIRE(out.purged);
    removed += out.purged->first;
    after = out.purged->second;
  } while (after != 0 && ++rounds < 10);
  CHECK(removed == 2);
  CHECK_FALSE(s.loadMessage(id["acked"]));
  CHECK_FALSE(s.loadMessage(id["rejected"]));
  for (const char* kept : {"receipt-waiting", "dead", "queued", "new"}) CHECK_MESSAGE(s.loadMessage(id[kept]), kept);
  CHECK(s.candidatesFor("acked").empty());
  CHECK(s.candidatesFor("dead") == std::vector<std::uint64_t>{id["dead"]});
  // Duplicates are recognised within the retention window only.
  CHECK_FALSE(apply(s, {insert("acked", "q")}).inserts[0].duplicate);
  CHECK(apply(s, {insert("dead", "q")}).inserts[0].duplicate);
  // Nothing more to do: one look, nothing removed, start over next time.
  auto again = apply(s, {PurgeOp{1000, 5000, 0, 100}});
  REQUIRE(again.purged);
  CHECK(again.purged->first == 0);
  CHECK(again.purged->second == 0);
}
