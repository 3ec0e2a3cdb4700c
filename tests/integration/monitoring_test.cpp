// The operators' HTTP endpoint on the real broker: health, Prometheus metrics (checked by
// promtool), the overview, a message's trace, dead letters replayed after the adapter is fixed
// and discarded, the audit log over all of it, and the dashboard in a real headless Chromium.
#include <doctest/doctest.h>
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/config_toml.h"
#include "tests/support/files.h"

using namespace ozgbus;
using testing::BrokerProcess;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = OZGBUS_SOURCE_DIR;

// München's adapter refuses (its stylesheet terminates) until the test swaps in the real one.
std::string config(const fs::path& adapters) {
  std::ofstream(adapters / "adapter.toml")
      << "name = \"muenchen\"\ndescription = \"München\"\nars_prefixes = "
         "[\"09162\"]\npass_through_unmapped = true\n"
         "[[mappings]]\ninput = \"urn:xoev-de:ozgbus:bewohnerparken:1.0\"\nmessage_type = "
         "\"0300\"\n"
         "output = \"urn:xoev-de:ozgbus:bewohnerparken:2.0\"\noutput_type = \"0300\"\nstylesheet = "
         "\"t.xsl\"\n"
         "[mappings.parameters]\nfahrzeuglaenge_platzhalter = \"1.00\"\n";
  std::ofstream(adapters / "t.xsl")
      << R"(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">)"
         R"(<xsl:param name="fahrzeuglaenge_platzhalter"/><xsl:template match="/"><xsl:message terminate="yes">)"
         R"(Parkzone unbekannt</xsl:message></xsl:template></xsl:stylesheet>)";
  fs::create_directories(adapters.parent_path() / "default");
  std::ofstream(adapters.parent_path() / "default" / "adapter.toml")
      << "name = \"default\"\ndescription = \"as sent\"\nars_prefixes = "
         "[\"\"]\npass_through_unmapped = true\n";
  return "[pipeline]\nstages = [\"parse\", \"validate\", \"header\", \"route\", \"adapt\", "
         "\"persist\"]\n"
         "[adapters]\nfolders = [\"" +
         adapters.parent_path().string() + "\"]\n" + testing::schemasToml() +
         "[delivery]\nack_timeout_ms = 60000\n";
}

std::string field(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  REQUIRE_MESSAGE(at != std::string::npos, key << " in " << json);
  auto start = at + key.size() + 3;
  if (json[start] == '"') return json.substr(start + 1, json.find('"', start + 1) - start - 1);
  return json.substr(start, json.find_first_of(",}", start) - start);
}

struct Monitored {
  Monitored() : broker(config(makeAdapters())) {}
  fs::path makeAdapters() {
    fs::create_directories(adapters.path() / "muenchen");
    return adapters.path() / "muenchen";
  }
  void start() {
    broker.start();
    http = std::make_unique<httplib::Client>("127.0.0.1", broker.httpPort());
    http->set_read_timeout(20, 0);
  }
  std::string get(const std::string& path, int expected = 200) {
    auto r = http->Get(path.c_str());
    REQUIRE(r);
    CHECK_MESSAGE(r->status == expected, path << ": " << r->status << " " << r->body);
    return r->body;
  }
  std::string post(const std::string& path, int expected, bool with_header = true) {
    httplib::Headers h;
    if (with_header) h.emplace("X-Ozgbus-Dashboard", "1");
    auto r = http->Post(path.c_str(), h, "", "text/plain");
    REQUIRE(r);
    CHECK_MESSAGE(r->status == expected, path << ": " << r->status << " " << r->body);
    return r->body;
  }
  // A München Bewohnerparken message: the refusing adapter makes it a dead letter.
  std::string deadLetter() {
    std::string uuid;
    auto portal = broker.connect("psw:09000001", v1::PORTAL);
    auto r = portal->submit(testing::sampleMessage("bewohnerparken-1.0-muenchen.xml", &uuid));
    REQUIRE(r.ok());
    CHECK(r->reason() == v1::ADAPTER_FAILED);
    return uuid;
  }
  std::string deadLetterId(const std::string& uuid) {
    const std::string list = get("/api/dead-letters");
    const auto at = list.find(uuid);
    REQUIRE_MESSAGE(at != std::string::npos, list);
    const auto id_at = list.rfind("\"id\":", at);
    return list.substr(id_at + 5, list.find(',', id_at) - id_at - 5);
  }

  testing::TempDir adapters;
  BrokerProcess broker;
  std::unique_ptr<httplib::Client> http;
};

}  // namespace

TEST_CASE("healthz, readyz and Prometheus metrics that promtool accepts") {
  Monitored m;
  m.start();
  CHECK(m.get("/healthz").find("alive") != std::string::npos);
  // A page on another name that resolves to 127.0.0.1 (DNS rebinding) is refused.
  auto rebound = m.http->Get(
      "/api/overview",
      httplib::Headers{{"Host", "evil.example:" + std::to_string(m.broker.httpPort())}});
  REQUIRE(rebound);
  CHECK(rebound->status == 421);
  CHECK(m.get("/readyz").find("ready") != std::string::npos);
  auto portal = m.broker.connect("psw:02000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage())->accepted());
  CHECK_FALSE(portal->submit("not xml")->accepted());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // queue gauges: the last overview
  const std::string metrics = m.get("/metrics");
  CHECK(metrics.find("ozgbus_messages_accepted_total{destination=\"hh-gewerbeamt\",message_type="
                     "\"0100\"} 1") != std::string::npos);
  CHECK(metrics.find("ozgbus_messages_rejected_total{reason=\"XML_MALFORMED\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("ozgbus_queue_depth{queue=\"hh-gewerbeamt\"} 1") != std::string::npos);
  CHECK(metrics.find("ozgbus_stage_duration_seconds_count{stage=\"adapt\"}") != std::string::npos);
  CHECK(metrics.find("ozgbus_store_commit_duration_seconds_count") != std::string::npos);
  std::ofstream(m.broker.dir() / "metrics.txt") << metrics;
  CHECK(testing::runCommand({(kSource / "tests/monitoring/promtool_check.sh").string(),
                             (m.broker.dir() / "metrics.txt").string()})
            .status == 0);
}

TEST_CASE("ozgbus watch prints the flow events of a message as it moves") {
  Monitored m;
  m.start();
  const std::string events = "tcp://127.0.0.1:" + std::to_string(m.broker.eventsPort());
  testing::CommandResult watched;
  std::thread watcher([&] {
    watched = testing::runCommand(
        {OZGBUS_CLI_BIN, "watch", "--events", events, "--count", "6", "--timeout", "10"});
  });
  std::this_thread::sleep_for(
      std::chrono::milliseconds(500));  // PUB drops what comes before SUB joins
  std::string uuid;
  auto portal = m.broker.connect("psw:02000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))
              ->accepted());
  watcher.join();
  CHECK_MESSAGE(watched.status == 0, watched.out);
  for (const char* event : {"received", "parsed", "validated", "routed"}) {
    CHECK_MESSAGE(watched.out.find(std::string(event) + " ") != std::string::npos,
                  event << " in " << watched.out);
  }
  CHECK(watched.out.find(uuid) != std::string::npos);
}

TEST_CASE("the overview and a message's trace from submit to acknowledgement") {
  Monitored m;
  m.start();
  std::string uuid;
  auto portal = m.broker.connect("psw:02000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))
              ->accepted());
  std::this_thread::sleep_for(
      std::chrono::milliseconds(400));  // the overview is published 4× a second
  const std::string overview = m.get("/api/overview");
  CHECK(overview.find(R"({"name":"hh-gewerbeamt","depth":1,)") != std::string::npos);
  CHECK(field(overview, "submitted") == "1");
  auto backend = m.broker.connect("hh-gewerbeamt", v1::BACKEND, 4);
  auto d = testing::nextOf(*backend, v1::DELIVER);
  REQUIRE(d);
  backend->ack(d->envelope.deliver().delivery_id());
  REQUIRE(testing::nextOf(*portal, v1::RECEIPT));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string trace = m.get("/api/messages/" + uuid + "/trace");
  for (const char* event :
       {"received", "parsed", "validated", "routed", "adapted", "stored", "delivered"}) {
    CHECK_MESSAGE(trace.find(std::string("\"event\":\"") + event + "\"") != std::string::npos,
                  event << " in " << trace);
  }
  CHECK(trace.find("by hh-gewerbeamt") != std::string::npos);
  CHECK(m.get("/api/messages/00000000-0000-4000-8000-000000000000/trace", 404)
            .find("removed 90 days after it arrived (store.retain_days)") != std::string::npos);
  m.get("/api/messages/not%20an%20id/trace", 400);
  m.get("/api/messages/P-2026-000123/trace", 404);  // a process id ([[headers]] id_format "any")
}

TEST_CASE("dead letters: replayed after the adapter is fixed, discarded, all in the audit log") {
  Monitored m;
  m.start();
  const std::string first = m.deadLetter();
  const std::string second = m.deadLetter();
  const std::string id = m.deadLetterId(first);
  m.post("/api/dead-letters/" + id + "/replay", 403, false);
  CHECK(m.get("/api/dead-letters/" + id + "/replay", 405).find("use POST") != std::string::npos);
  m.post("/api/dead-letters/999999/replay", 404);
  // Still broken: the replay runs and the message stays a dead letter, with the reason.
  CHECK(m.post("/api/dead-letters/" + id + "/replay", 200).find("held again") != std::string::npos);

  fs::copy_file(kSource / "adapters/hamburg/bewohnerparken-1.0-to-2.0.xsl",
                m.adapters.path() / "muenchen" / "t.xsl", fs::copy_options::overwrite_existing);
  ::kill(m.broker.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // A newer message in the same queue first: the replayed one's id is then behind the queue's
  // read position, and must still be delivered.
  std::string later;
  auto portal = m.broker.connect("psw:09000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage("bewohnerparken-1.0-muenchen.xml", &later))
              ->accepted());
  CHECK(
      m.post("/api/dead-letters/" + id + "/replay", 200).find("queued again in by-muenchen-kvr") !=
      std::string::npos);
  CHECK(m.get("/api/dead-letters").find(first) == std::string::npos);
  auto backend = m.broker.connect("by-muenchen-kvr", v1::BACKEND, 4);
  std::set<std::string> delivered;
  for (int i = 0; i < 2; ++i) {
    auto d = testing::nextOf(*backend, v1::DELIVER);
    REQUIRE(d);
    delivered.insert(d->envelope.deliver().message_uuid());
    CHECK(d->payloads[0].find("urn:xoev-de:ozgbus:bewohnerparken:2.0") != std::string::npos);
    backend->ack(d->envelope.deliver().delivery_id());
  }
  CHECK(delivered == std::set<std::string>{first, later});
  CHECK(m.get("/api/messages/" + first + "/trace").find("\"event\":\"replayed\"") !=
        std::string::npos);
  const std::string admin = "http://127.0.0.1:" + std::to_string(m.broker.httpPort());
  auto traced = testing::runCommand({OZGBUS_CLI_BIN, "trace", "--admin", admin, first});
  CHECK(traced.status == 0);
  CHECK(traced.out.find("replayed") != std::string::npos);
  auto listed = testing::runCommand({OZGBUS_CLI_BIN, "dlq", "list", "--admin", admin});
  CHECK(listed.status == 0);
  CHECK(listed.out.find(second) != std::string::npos);
  CHECK(listed.out.find(first) == std::string::npos);

  const std::string second_id = m.deadLetterId(second);
  CHECK(m.post("/api/dead-letters/" + second_id + "/discard", 200).find("will not be delivered") !=
        std::string::npos);
  m.post("/api/dead-letters/" + second_id + "/discard", 404);
  CHECK(m.get("/api/dead-letters").find(second) == std::string::npos);

  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto db = (m.broker.dir() / "data/ozgbus.db").string();
  auto verify = testing::runCommand({OZGBUS_CLI_BIN, "audit", "verify", "--db", db});
  CHECK_MESSAGE(verify.status == 0, verify.out);
  CHECK(verify.out.find("chain intact") != std::string::npos);
  auto shown = testing::runCommand({OZGBUS_CLI_BIN, "audit", "show", "--db", db, "--uuid", first});
  for (const char* event : {"accepted", "dead_lettered", "replayed", "delivered"}) {
    CHECK_MESSAGE(shown.out.find(event) != std::string::npos, event << " in " << shown.out);
  }
  CHECK(testing::runCommand({OZGBUS_CLI_BIN, "audit", "show", "--db", db, "--uuid", second})
            .out.find("discarded") != std::string::npos);
  // The same chain through the broker's configuration; a store named twice or not at all, or a
  // configuration that cannot be read, is a usage error naming what is wrong.
  const auto config = (m.broker.dir() / "ozgbus.toml").string();
  auto by_config = testing::runCommand({OZGBUS_CLI_BIN, "audit", "verify", "--config", config});
  CHECK_MESSAGE(by_config.status == 0, by_config.out << by_config.err);
  CHECK(by_config.out == verify.out);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{OZGBUS_CLI_BIN, "audit", "verify"},
        std::vector<std::string>{OZGBUS_CLI_BIN, "audit", "show", "--db", db, "--config",
                                 config}}) {
    auto wrong = testing::runCommand(args);
    CHECK(wrong.status == 2);
    CHECK_MESSAGE(wrong.err.find("give either --db PATH") != std::string::npos, wrong.err);
  }
  auto missing =
      testing::runCommand({OZGBUS_CLI_BIN, "audit", "verify", "--config", "/nonexistent.toml"});
  CHECK(missing.status == 2);
  CHECK_MESSAGE(missing.err.find("/nonexistent.toml") != std::string::npos, missing.err);
}

TEST_CASE(
    "the dashboard in headless Chromium shows a queue, finds a trace and replays a dead letter") {
  Monitored m;
  m.start();
  auto portal = m.broker.connect("psw:02000001", v1::PORTAL);
  std::string uuid;
  for (int i = 0; i < 3; ++i)
    REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))
                ->accepted());
  const std::string dead = m.deadLetter();
  fs::copy_file(kSource / "adapters/hamburg/bewohnerparken-1.0-to-2.0.xsl",
                m.adapters.path() / "muenchen" / "t.xsl", fs::copy_options::overwrite_existing);
  ::kill(m.broker.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The back-end takes the three queued messages (the traced one among them) while the page
  // shows that trace.
  const std::string deliver =
      std::string(OZGBUS_CLI_BIN) + " recv --broker " + m.broker.endpoint() +
      " --as hh-gewerbeamt --count 3 --timeout 10 --out " + (m.broker.dir() / "received").string();
  auto run = testing::runCommand({(kSource / "tests/dashboard/dashboard_test.py").string(), "--url",
                                  "http://127.0.0.1:" + std::to_string(m.broker.httpPort()) + "/",
                                  "--queue", "hh-gewerbeamt", "--min-depth", "3", "--trace", uuid,
                                  "--deliver", deliver, "--dead-letter-uuid", dead, "--screenshot",
                                  (m.broker.dir() / "dashboard.png").string()});
  CHECK_MESSAGE(run.status == 0, run.out);
  MESSAGE(
      run.out);  // the time from acknowledgement to the trace showing it, for docs/performance.md
}
