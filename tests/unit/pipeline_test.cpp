// The pipeline as [pipeline] stages builds it: stages run in order, each leaves its line in the
// trace, a refusal stops the run before the store; and the stage list and each stage's settings
// are checked when the pipeline is built. No store, no thread: persist hands over to a
// recording commit queue.
#include "broker/pipeline/pipeline.h"

#include <doctest/doctest.h>

#include "broker/pipeline/stage_registry.h"
#include "broker/runtime/runtime.h"
#include "tests/support/fakes.h"
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

BrokerConfig baseConfig() {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  c.routes = {{"", "02", "", "hh"}};
  return c;
}

struct Fixture {
  explicit Fixture(BrokerConfig c = baseConfig())
      : runtime(std::move(*Runtime::load(std::move(c)))) {}
  StageContext context() { return {*runtime, commits, clock}; }
  Result<Pipeline> build(const std::vector<std::string>& stages) {
    return StageRegistry::builtin().build(stages, context());
  }
  Message message(std::string raw) {
    Message m;
    m.origin = FromConnection{"conn", 7};
    m.sender = "psw:02000001";
    m.received_at_ms = clock.wallMillis();
    m.raw = std::make_shared<const std::string>(std::move(raw));
    return m;
  }
  std::unique_ptr<Runtime> runtime;
  testing::RecordingCommits commits;
  util::ManualClock clock;
};

std::string refusal(const Result<Pipeline>& p) {
  REQUIRE_FALSE(p.ok());
  return p.rejection().detail;
}

}  // namespace

TEST_CASE("the default pipeline parses, reads the header, routes and persists, tracing each step") {
  Fixture f;
  auto p = f.build(BrokerConfig().stages);
  REQUIRE(p.ok());
  CHECK(p->stages().size() == 4);
  Message m = f.message(kDoc);
  CHECK_FALSE(p->run(m));
  auto inserts = f.commits.of<InsertOp>();
  REQUIRE(inserts.size() == 1);
  CHECK(inserts[0].message.queue == "hh");
  CHECK(inserts[0].message.author == "psw:02000001");
  CHECK(inserts[0].message.uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  const auto& from = std::get<FromConnection>(inserts[0].origin);
  CHECK(from.identity == "conn");
  CHECK(from.correlation == 7);
  // The store adds "stored" when the commit is durable; the stages' own words before it.
  const std::string& h = inserts[0].history;
  const auto at = [&h](const char* word) { return h.find(std::string("\t") + word + "\t"); };
  CHECK(at("received") < at("parsed"));
  CHECK(at("parsed") < at("header_read"));
  CHECK(at("header_read") < at("routed"));
  CHECK(h.find("to hh") != std::string::npos);
  CHECK(at("stored") == std::string::npos);
}

TEST_CASE("a refused message never reaches the store") {
  Fixture f;
  auto p = f.build(BrokerConfig().stages);
  REQUIRE(p.ok());
  std::string unrouted = kDoc;
  unrouted.replace(unrouted.find("ars:02"), 6, "ars:11");
  Message m = f.message(unrouted);
  auto r = p->run(m);
  REQUIRE(r);
  CHECK(r->reason == v1::NO_ROUTE);
  CHECK(f.commits.ops.empty());
}

TEST_CASE("stage lists are checked when the pipeline is built") {
  Fixture f;
  CHECK(refusal(f.build({"parse", "sing", "persist"}))
            .find("unknown stage \"sing\" (known: adapt, header, parse, persist, route, sign, "
                  "validate, verify)") != std::string::npos);
  CHECK(refusal(f.build({"route", "persist"}))
            .find("must start with \"parse\" and end with \"persist\"") != std::string::npos);
  CHECK(refusal(f.build({"parse", "route"})).find("must start with \"parse\"") !=
        std::string::npos);
  CHECK(refusal(f.build({"parse", "route", "header", "persist"})) ==
        "x.toml: pipeline.stages: \"route\" needs \"header\" before it (it routes by the reader)");
  CHECK(refusal(f.build({"parse", "header", "persist"})) ==
        "x.toml: pipeline.stages: \"persist\" needs \"route\" before it (a message is stored in "
        "its destination's "
        "queue)");
}

TEST_CASE("each stage's factory names the setting it misses") {
  Fixture f;
  CHECK(refusal(f.build({"parse", "validate", "header", "route", "persist"})) ==
        "x.toml: schemas needs catalogs and namespaces when pipeline.stages has \"validate\"");
  CHECK(refusal(f.build({"parse", "verify", "header", "route", "persist"})) ==
        "x.toml: signatures.trust is required when pipeline.stages has \"verify\"");
  CHECK(refusal(f.build({"parse", "header", "route", "sign", "persist"}))
            .find("signatures.broker_key") != std::string::npos);
  CHECK(refusal(f.build({"parse", "header", "route", "adapt", "persist"})) ==
        "x.toml: adapters.folders is required when pipeline.stages has \"adapt\"");

  BrokerConfig with_trust = baseConfig();
  with_trust.signatures.trust = {std::string(OZGBUS_TEST_PKI) + "/ca"};
  Fixture g(with_trust);
  CHECK(refusal(g.build({"parse", "header", "verify", "route", "persist"}))
            .find("\"verify\" needs \"header\" after it") != std::string::npos);
  testing::TempDir adapters;  // the pass-through adapter alone: no output needs a schema
  std::filesystem::create_directories(adapters.path() / "default");
  std::filesystem::copy_file(std::string(OZGBUS_SOURCE_DIR) + "/adapters/default/adapter.toml",
                             adapters.path() / "default" / "adapter.toml");
  BrokerConfig with_adapters = baseConfig();
  with_adapters.adapter_folders = {adapters.path()};
  CHECK(refusal(Fixture(with_adapters).build({"parse", "header", "route", "adapt", "persist"}))
            .find("with \"adapt\" needs \"validate\" too") != std::string::npos);
}
