// WorkerPool with an insecure Runtime and the default stages: submitted messages come out of the
// persist stage into the commit queue, each once, from whichever worker took it; a refused one
// comes back through its worker's Refused function with the reason, its origin and sender.
// The workers run on their own threads: the commit queue below is guarded by a mutex, and what
// the workers recorded is read after stop() has joined them.
#include "broker/pipeline/worker_pool.h"

#include <doctest/doctest.h>

#include <mutex>
#include <set>

#include "broker/runtime/runtime.h"
#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

// A message for reader ars:02..., with the UUID's last hex digit given.
std::string document(char last_uuid_digit) {
  return std::string(R"(<m:n xmlns:m="urn:x"><nachrichtenkopf.g2g>
  <identifikation.nachricht><nachrichtenUUID>693c64d6-456f-4d14-abe7-fe9681c74aa)") +
         last_uuid_digit + R"(</nachrichtenUUID>
  <nachrichtentyp><code>0100</code></nachrichtentyp><erstellungszeitpunkt>2024-05-28T09:00:00</erstellungszeitpunkt>
  </identifikation.nachricht>
  <leser><kennung>ars:020000000000</kennung></leser><autor><kennung>psw:02000001</kennung></autor>
</nachrichtenkopf.g2g></m:n>)";
}

BrokerConfig insecure() {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  c.routes = {{"", "02", "", "hh"}};
  return c;
}

// Commit queue shared by the workers.
class LockedCommits final : public CommitQueue {
 public:
  void enqueue(StoreOp op) override {
    std::lock_guard lock(mu_);
    recorded.enqueue(std::move(op));
  }
  testing::RecordingCommits recorded;  // read once the workers stopped

 private:
  std::mutex mu_;
};

struct Fixture {
  Fixture() : runtime(std::move(*Runtime::load(insecure()))) {}

  std::unique_ptr<WorkerPool> start(std::size_t workers) {
    std::vector<WorkerPool::Refused> refused;
    for (std::size_t i = 0; i < workers; ++i) {
      refused.emplace_back([this](Refusal r) {
        std::lock_guard lock(mu);
        refusals.push_back(std::move(r));
      });
    }
    auto pool = WorkerPool::start(runtime->config().stages, StageContext{*runtime, commits, clock},
                                  std::move(refused));
    REQUIRE(pool.ok());
    return std::move(*pool);
  }

  Message message(std::string raw, const std::string& identity, std::uint64_t correlation) {
    Message m;
    m.origin = FromConnection{identity, correlation};
    m.sender = "psw:02000001";
    m.received_at_ms = clock.wallMillis();
    m.raw = std::make_shared<const std::string>(std::move(raw));
    return m;
  }

  std::unique_ptr<Runtime> runtime;
  util::ManualClock clock;
  LockedCommits commits;
  std::mutex mu;
  std::vector<Refusal> refusals;
};

}  // namespace

TEST_CASE(
    "the worker pool persists every submitted message once and refuses a malformed one with its "
    "origin") {
  Fixture f;
  auto pool = f.start(2);
  const std::string digits = "01234";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    pool->submit(f.message(document(digits[i]), "conn-" + std::to_string(i), i));
  }
  pool->submit(f.message("<a><b></a>", "conn-bad", 99));
  pool->stop();

  const auto inserts = f.commits.recorded.of<InsertOp>();
  REQUIRE(inserts.size() == 5);
  std::set<std::string> uuids;
  for (const InsertOp& op : inserts) {
    uuids.insert(op.message.uuid);
    CHECK(op.message.queue == "hh");
    CHECK(op.message.sender == "psw:02000001");
    const auto* from = std::get_if<FromConnection>(&op.origin);
    REQUIRE(from != nullptr);
    CHECK(from->identity == "conn-" + std::to_string(from->correlation));
  }
  CHECK(uuids.size() == 5);
  CHECK(uuids.count("693c64d6-456f-4d14-abe7-fe9681c74aa3") == 1);

  REQUIRE(f.refusals.size() == 1);
  const Refusal& r = f.refusals[0];
  CHECK(r.rejection.reason == v1::XML_MALFORMED);
  CHECK(r.sender == "psw:02000001");
  CHECK(r.message_uuid.empty());  // no header was read
  const auto* from = std::get_if<FromConnection>(&r.origin);
  REQUIRE(from != nullptr);
  CHECK(from->identity == "conn-bad");
  CHECK(from->correlation == 99);
}

TEST_CASE("a worker's refusal after the header was read names the message's UUID") {
  Fixture f;
  auto pool = f.start(1);
  std::string unrouted = document('7');
  unrouted.replace(unrouted.find("ars:02"), 6, "ars:11");
  pool->submit(f.message(unrouted, "conn-1", 5));
  pool->stop();
  pool->stop();  // idempotent
  CHECK(f.commits.recorded.ops.empty());
  REQUIRE(f.refusals.size() == 1);
  CHECK(f.refusals[0].rejection.reason == v1::NO_ROUTE);
  CHECK(f.refusals[0].message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aa7");
  CHECK(std::get<FromConnection>(f.refusals[0].origin).correlation == 5);
}
