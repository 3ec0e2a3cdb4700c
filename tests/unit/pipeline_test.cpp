#include "broker/pipeline/pipeline.h"

#include <doctest/doctest.h>

#include <future>

#include "broker/store/sqlite_store.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

const char* kDoc = R"(<m:n xmlns:m="urn:x"><nachrichtenkopf.g2g>
  <identifikation.nachricht><nachrichtenUUID>693c64d6-456f-4d14-abe7-fe9681c74aae</nachrichtenUUID>
  <nachrichtentyp><code>0100</code></nachrichtentyp><erstellungszeitpunkt>2024-05-28T09:00:00</erstellungszeitpunkt>
  </identifikation.nachricht>
  <leser><kennung>ars:020000000000</kennung></leser><autor><kennung>psw:02000001</kennung></autor>
</nachrichtenkopf.g2g></m:n>)";

struct Fixture {
  Fixture() {
    config.insecure = true;
    config.routes = {{"", "02", "", "hh"}};
    store = std::move(*SqliteStore::open(dir.path() / "s.db", false));
    committer = std::make_unique<GroupCommitter>(*store, 100, [this](CommitOutcome&& o) {
      outcome.set_value(std::move(o));
    });
  }
  StageContext context() {
    return {config, routes, *committer, schemas, participants, false, trust, nullptr, adapters, Clock::system()};
  }
  Message message(std::string raw) {
    Message m;
    m.identity = "conn";
    m.sender = "psw:02000001";
    m.raw = std::make_shared<const std::string>(std::move(raw));
    return m;
  }
  testing::TempDir dir;
  BrokerConfig config;
  RoutingTable routes{{{"", "02", "", "hh"}}};
  std::unique_ptr<Store> store;
  std::promise<CommitOutcome> outcome;
  std::unique_ptr<GroupCommitter> committer;
  schema::CurrentRegistry schemas;
  CurrentParticipants participants{std::make_shared<const ParticipantRegistry>(std::vector<Participant>{})};
  dsig::CurrentTrustStore trust;
  CurrentAdapters adapters;
};

}  // namespace

TEST_CASE("the default pipeline parses, reads the header, routes and persists") {
  Fixture f;
  auto p = StageRegistry::builtin().build(f.config.stages, f.context());
  REQUIRE(p.ok());
  CHECK(p->stages().size() == 4);
  Message m = f.message(kDoc);
  CHECK_FALSE(p->run(m));
  auto out = f.outcome.get_future().get();
  REQUIRE(out.inserts.size() == 1);
  CHECK(out.inserts[0].op.message.queue == "hh");
  CHECK(out.inserts[0].op.message.author == "psw:02000001");
  CHECK(out.inserts[0].op.identity == "conn");
}

TEST_CASE("a rejected message never reaches the store") {
  Fixture f;
  auto p = StageRegistry::builtin().build(f.config.stages, f.context());
  REQUIRE(p.ok());
  std::string unrouted = kDoc;
  unrouted.replace(unrouted.find("ars:02"), 6, "ars:11");
  Message m = f.message(unrouted);
  auto r = p->run(m);
  REQUIRE(r);
  CHECK(r->reason == v1::NO_ROUTE);
  f.committer->stop();
  CHECK(f.store->queueCounts().empty());
}

TEST_CASE("stage lists are checked when the pipeline is built") {
  Fixture f;
  const StageContext ctx = f.context();
  auto unknown = StageRegistry::builtin().build({"parse", "sing", "persist"}, ctx);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.rejection().detail.find("unknown stage \"sing\" (known: adapt, header, parse, persist, route, sign, validate, verify)") !=
        std::string::npos);
  CHECK_FALSE(StageRegistry::builtin().build({"route", "persist"}, ctx).ok());
  CHECK_FALSE(StageRegistry::builtin().build({"parse", "route"}, ctx).ok());
}
