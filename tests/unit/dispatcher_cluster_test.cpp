// The Dispatcher and the ReceiptOutbox as one node of several on a shared store: windows are
// filled by claims through the ClusterLink (never by this node's own commits), a claim of what
// the node holds already is not delivered twice, what a queue without a consumer here holds
// goes back, held() is what the node renews leases on, and receipts are read from the store.
#include "broker/delivery/dispatcher.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "broker/delivery/receipt_outbox.h"
#include "broker/store/cluster_link.h"
#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

// The shared store as the cluster link sees it: queued messages per queue, each leased or not.
// claim() hands out unleased ones oldest first and leases them; release() unleases.
class FakeClusterLink final : public ClusterLink {
 public:
  struct Row {
    QueuedMessage message;
    bool leased = false;
  };

  // A message becomes visible in the store (committed at any node).
  void add(const QueuedMessage& m) {
    auto& rows = store[m.queue];
    rows.push_back(Row{m, false});
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.message.id < b.message.id; });
  }
  // The lease on id ran out (this node renewed too late): any node may claim it again.
  void unlease(std::uint64_t id) {
    for (auto& [queue, rows] : store) {
      for (Row& r : rows) {
        if (r.message.id == id) r.leased = false;
      }
    }
  }
  std::vector<std::uint64_t> leased() const {
    std::vector<std::uint64_t> ids;
    for (const auto& [queue, rows] : store) {
      for (const Row& r : rows) {
        if (r.leased) ids.push_back(r.message.id);
      }
    }
    return ids;
  }

  const std::string& node() const override { return name; }
  Result<std::vector<QueuedMessage>> claim(const std::string& queue, std::size_t limit) override {
    claim_limits.push_back(limit);
    last_claim.clear();
    std::vector<QueuedMessage> out;
    for (Row& r : store[queue]) {
      if (out.size() >= limit) break;
      if (r.leased) continue;
      r.leased = true;
      out.push_back(r.message);
      last_claim.push_back(r.message.id);
    }
    return out;
  }
  std::optional<Rejection> release(const std::vector<std::uint64_t>& ids) override {
    ++release_calls;
    for (std::uint64_t id : ids) unlease(id);
    released.insert(released.end(), ids.begin(), ids.end());
    return std::nullopt;
  }
  std::optional<Rejection> heartbeat(const std::vector<std::uint64_t>& held) override {
    renewed = held;
    return std::nullopt;
  }
  Result<std::vector<ClusterNode>> nodes() override {
    ClusterNode self;
    self.name = name;
    self.alive = true;
    self.this_node = true;
    return std::vector<ClusterNode>{self};
  }
  int socket() const override { return -1; }
  ClusterNews news(bool) override { return {}; }
  void leave() override {
    for (auto& [queue, rows] : store) {
      for (Row& r : rows) r.leased = false;
    }
    left = true;
  }

  std::string name = "node-a";
  std::map<std::string, std::vector<Row>> store;  // by queue, id order
  std::vector<std::size_t> claim_limits;          // one per claim() call
  std::vector<std::uint64_t> last_claim;          // ids the last claim() returned
  std::vector<std::uint64_t> released;            // every id given back, in order
  int release_calls = 0;
  std::vector<std::uint64_t> renewed;  // held ids of the last heartbeat
  bool left = false;
};

QueuedMessage message(std::uint64_t id) {
  QueuedMessage m;
  m.id = id;
  m.uuid = "u" + std::to_string(id);
  m.sender = "portal";
  m.queue = "q";
  m.payload = std::make_shared<const std::string>("<x/>");
  return m;
}

std::vector<std::uint64_t> sorted(std::vector<std::uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::uint64_t> upTo(std::uint64_t n) {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t i = 1; i <= n; ++i) ids.push_back(i);
  return ids;
}

struct Fixture {
  explicit Fixture(std::size_t memory_window = DeliveryConfig{}.memory_window) {
    config.max_attempts = 3;
    config.ack_timeout = std::chrono::milliseconds(1000);
    config.memory_window = memory_window;
    dispatcher = std::make_unique<Dispatcher>(
        config, store, clock,
        [this](Session& s, const QueuedMessage& m) {
          sent.emplace_back(s.participant, m.id);
          return true;
        },
        writes, &link);
  }

  Session& connect(const std::string& identity, std::uint32_t credit) {
    return testing::attachBackend(*dispatcher, sessions, identity, credit);
  }

  std::vector<std::uint64_t> sentIds() const {
    std::vector<std::uint64_t> ids;
    for (const auto& [to, id] : sent) ids.push_back(id);
    return ids;
  }

  DeliveryConfig config;
  testing::FakeReader store;  // the Dispatcher's reader: a cluster node must not read from it
  util::ManualClock clock;
  FakeClusterLink link;
  testing::RecordingCommits writes;
  Sessions sessions;
  std::vector<std::pair<std::string, std::uint64_t>> sent;  // participant, delivery id
  std::unique_ptr<Dispatcher> dispatcher;
};

// A store reader with receipts only (FakeReader has none): what loadReceipts was asked is noted.
class ReceiptReader final : public StoreReader {
 public:
  std::map<std::string, std::vector<ReceiptRecord>> receipts;  // by recipient, seq order
  std::vector<std::uint64_t> read_after;                       // after_seq of each read

  Result<std::vector<QueuedMessage>> loadQueued(const std::string&, std::uint64_t,
                                                std::size_t) override {
    return std::vector<QueuedMessage>{};
  }
  Result<std::vector<ReceiptRecord>> loadReceipts(const std::string& recipient,
                                                  std::uint64_t after_seq,
                                                  std::size_t limit) override {
    read_after.push_back(after_seq);
    std::vector<ReceiptRecord> out;
    for (const ReceiptRecord& r : receipts[recipient]) {
      if (r.seq > after_seq && out.size() < limit) out.push_back(r);
    }
    return out;
  }
  Result<std::vector<QueueCounts>> queueCounts() override { return std::vector<QueueCounts>{}; }
  Result<std::vector<std::pair<std::string, std::uint64_t>>> pendingReceipts() override {
    return std::vector<std::pair<std::string, std::uint64_t>>{};
  }
  Result<std::optional<StoredMessage>> loadMessage(std::uint64_t) override {
    return std::optional<StoredMessage>();
  }
  Result<std::vector<MessageTrace>> traces(std::string_view) override {
    return std::vector<MessageTrace>{};
  }
  Result<std::vector<DeadLetter>> deadLetters(std::size_t) override {
    return std::vector<DeadLetter>{};
  }
  Result<StoreCheck> check() override { return StoreCheck{}; }
  Result<AuditVerdict> verifyAudit(const std::optional<AuditTip>&) override {
    return AuditVerdict{};
  }
  std::optional<Rejection> readAudit(const std::optional<std::string>&,
                                     std::optional<std::uint64_t>,
                                     const std::function<void(const AuditEntry&)>&) override {
    return std::nullopt;
  }
};

ReceiptRecord receipt(std::uint64_t id, std::uint64_t seq, const std::string& recipient) {
  ReceiptRecord r;
  r.id = id;
  r.seq = seq;
  r.recipient = recipient;
  r.message_uuid = "u" + std::to_string(id);
  return r;
}

}  // namespace

TEST_CASE(
    "dispatcher in a cluster: a message committed at this node is delivered only once claimed "
    "from the store") {
  Fixture f;
  f.connect("a", 5);
  f.dispatcher->pump(f.sessions);  // the store holds nothing yet
  REQUIRE(f.link.claim_limits.size() == 1);
  CHECK(f.link.claim_limits[0] == 256);  // min(memory_window 8192, 256)

  f.dispatcher->committed(message(1));
  f.dispatcher->pump(f.sessions);
  CHECK(f.sent.empty());                   // not from memory
  CHECK(f.link.claim_limits.size() == 2);  // the commit made it look at the store
  CHECK(f.dispatcher->held().empty());
  CHECK(f.dispatcher->queues().front().depth == 1);

  f.link.add(message(1));  // the commit is visible to every node now
  f.dispatcher->hear({"q"});
  f.dispatcher->pump(f.sessions);
  CHECK(f.sent == std::vector<std::pair<std::string, std::uint64_t>>{{"a", 1}});
  CHECK(f.link.leased() == std::vector<std::uint64_t>{1});
  CHECK(f.store.loads == 0);  // claimed, never read past the lease
}

TEST_CASE(
    "dispatcher in a cluster: a queue without a consumer here gives back what it claimed, in "
    "flight or not") {
  Fixture f;
  Session& a = f.connect("a", 2);
  for (std::uint64_t i = 1; i <= 5; ++i) f.link.add(message(i));
  f.dispatcher->pump(f.sessions);
  REQUIRE(a.deliveries == std::unordered_set<std::uint64_t>{1, 2});
  REQUIRE(sorted(f.dispatcher->held()) == upTo(5));

  f.dispatcher->detach(a, false);  // BYE
  f.sessions.erase("a");
  CHECK(f.link.released.empty());  // given back at the next pump
  f.dispatcher->pump(f.sessions);
  CHECK(sorted(f.link.released) == upTo(5));
  CHECK(f.link.leased().empty());
  CHECK(f.dispatcher->held().empty());
  CHECK(f.dispatcher->queues().front().in_flight == 0);
  CHECK(f.writes.ops.empty());  // BYE counts no attempt

  f.dispatcher->pump(f.sessions);
  CHECK(f.link.release_calls == 1);  // nothing more to give back
  CHECK(f.link.released.size() == 5);
}

TEST_CASE(
    "dispatcher in a cluster: a message claimed again while in flight here is not delivered "
    "twice") {
  Fixture f;
  Session& a = f.connect("a", 5);
  f.link.add(message(1));
  f.dispatcher->pump(f.sessions);
  REQUIRE(f.sentIds() == std::vector<std::uint64_t>{1});

  f.link.unlease(1);  // this node renewed too late
  f.dispatcher->lookAgain();
  f.dispatcher->pump(f.sessions);
  REQUIRE(f.link.last_claim == std::vector<std::uint64_t>{1});  // the claim did return it
  CHECK(f.sentIds() == std::vector<std::uint64_t>{1});
  CHECK(a.deliveries == std::unordered_set<std::uint64_t>{1});
  CHECK(f.dispatcher->held() == std::vector<std::uint64_t>{1});
  CHECK(f.dispatcher->queues().front().in_flight == 1);

  CHECK_FALSE(f.dispatcher->ack(a, 1));
  f.dispatcher->pump(f.sessions);
  CHECK(f.sentIds() == std::vector<std::uint64_t>{1});
  CHECK(f.dispatcher->held().empty());
}

TEST_CASE(
    "dispatcher in a cluster: messages claimed again while in the window here stay there once") {
  Fixture f(4);  // claims ask for at most 4, and again once the window is half empty
  Session& a = f.connect("a", 2);
  for (std::uint64_t i = 1; i <= 6; ++i) f.link.add(message(i));
  f.dispatcher->pump(f.sessions);
  REQUIRE(a.deliveries == std::unordered_set<std::uint64_t>{1, 2});  // 3 and 4 wait here

  // Leases of this node that ran out: 2 is in flight, 3 in the window. A claim (credit is
  // free again after the ACK) gets them back, and neither goes out a second time.
  f.link.unlease(2);
  f.link.unlease(3);
  CHECK_FALSE(f.dispatcher->ack(a, 1));
  f.dispatcher->pump(f.sessions);
  REQUIRE(f.link.last_claim == std::vector<std::uint64_t>{2, 3});
  CHECK(f.sentIds() == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(sorted(f.dispatcher->held()) == std::vector<std::uint64_t>{2, 3, 4});
}

TEST_CASE("dispatcher in a cluster: held() lists what waits in the window and what is in flight") {
  Fixture f(4);  // a window of 4: claims ask for at most 4
  Session& a = f.connect("a", 2);
  for (std::uint64_t i = 1; i <= 6; ++i) f.link.add(message(i));
  f.dispatcher->pump(f.sessions);
  CHECK(f.link.claim_limits == std::vector<std::size_t>{4});
  REQUIRE(a.deliveries == std::unordered_set<std::uint64_t>{1, 2});  // 3 and 4 wait
  CHECK(sorted(f.dispatcher->held()) == std::vector<std::uint64_t>{1, 2, 3, 4});
  CHECK(sorted(f.link.leased()) == std::vector<std::uint64_t>{1, 2, 3, 4});  // 5, 6: anyone's

  CHECK_FALSE(f.dispatcher->ack(a, 1));
  CHECK(sorted(f.dispatcher->held()) == std::vector<std::uint64_t>{2, 3, 4});
}

TEST_CASE(
    "dispatcher in a cluster: the receipt outbox sends receipts read from the store, not its own "
    "commits") {
  DeliveryConfig config;
  config.receipt_window = 4;
  ReceiptReader store;
  util::ManualClock clock;
  testing::RecordingCommits acks;
  std::vector<std::uint64_t> sent;
  ReceiptOutbox outbox(
      config, store, clock,
      [&sent](Session&, const ReceiptRecord& r) {
        sent.push_back(r.id);
        return true;
      },
      acks, true);
  Sessions sessions;
  Session portal;
  portal.identity = "p1";
  portal.participant = "psw:02000001";
  portal.role = v1::PORTAL;
  Session& p = sessions.emplace("p1", std::move(portal)).first->second;

  outbox.committed(receipt(10, 1, "psw:02000001"));
  CHECK(outbox.pending("psw:02000001") == 1);
  outbox.pump(sessions);
  CHECK(sent.empty());  // not from memory: the store (as this reader has it) shows none yet
  CHECK(store.read_after == std::vector<std::uint64_t>{0});

  store.receipts["psw:02000001"].push_back(receipt(10, 1, "psw:02000001"));
  outbox.hear({"psw:02000001"});
  outbox.pump(sessions);
  CHECK(sent == std::vector<std::uint64_t>{10});
  CHECK(p.receipts.count(10) == 1);

  // Another node's receipt: read after the last seq seen.
  store.receipts["psw:02000001"].push_back(receipt(11, 2, "psw:02000001"));
  outbox.hear({"psw:02000001"});
  outbox.pump(sessions);
  CHECK(sent == std::vector<std::uint64_t>{10, 11});
  CHECK(store.read_after.back() == 1);

  CHECK_FALSE(outbox.ack(p, 10));
  REQUIRE(acks.of<ReceiptAckOp>().size() == 1);
  CHECK(acks.of<ReceiptAckOp>()[0].id == 10);
  outbox.resync({{"psw:02000001", 1}});
  CHECK(outbox.pending("psw:02000001") == 1);
}
