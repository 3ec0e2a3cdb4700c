// The broker on PostgreSQL ([store] backend = "postgres"): the same guarantees as on SQLite,
// against the suite's own server (a database per test).
#include <doctest/doctest.h>
#include <httplib.h>

#include <csignal>
#include <set>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/files.h"
#include "tests/support/kill_harness.h"
#include "tests/support/postgres_db.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;
using testing::drainAcking;

namespace {

std::string onPostgres(const testing::TestDatabase& db, const std::string& more = "") {
  return "[store]\nbackend = \"postgres\"\nurl = \"" + db.url() + "\"\n" + more;
}

// A server of the test's own: the suite's is shared with tests running beside this one.
class OwnServer {
 public:
  OwnServer() {
    run("start");
    url_ = testing::readFile(dir_.path() / "pg/url");
    url_.erase(url_.find_last_not_of('\n') + 1);
  }
  ~OwnServer() { testing::runCommand({script(), "stop", data()}); }
  // start, stop, crash-restart, down, up (scripts/pg-test-server.sh)
  void run(const std::string& command) {
    auto r = testing::runCommand({script(), command, data()});
    REQUIRE_MESSAGE(r.status == 0, command << ": " << r.err);
  }
  std::string toml() const { return "[store]\nbackend = \"postgres\"\nurl = \"" + url_ + "\"\n"; }

 private:
  static std::string script() {
    return std::string(OZGBUS_SOURCE_DIR) + "/scripts/pg-test-server.sh";
  }
  std::string data() const { return (dir_.path() / "pg").string(); }
  testing::TempDir dir_;
  std::string url_;
};

// /readyz's status once it is `want`, or the last one seen after 3 s (it follows the broker's
// overview, published a few times a second).
int readyz(const BrokerProcess& broker, int want) {
  httplib::Client http("127.0.0.1", broker.httpPort());
  int status = 0;
  for (int i = 0; i < 30 && status != want; ++i) {
    if (i > 0) std::this_thread::sleep_for(100ms);
    auto r = http.Get("/readyz");
    status = r ? r->status : 0;
  }
  return status;
}

}  // namespace

TEST_CASE(
    "on PostgreSQL: accepted messages are delivered and receipted, survive a restart, and a "
    "duplicate is stored once") {
  testing::TestDatabase db;
  BrokerProcess broker(onPostgres(db));
  broker.start();
  CHECK(broker.waitForLog("PostgreSQL"));
  std::set<std::string> sent;
  std::string again;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    sent = testing::submitSamples(*portal, 30);
    again = testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml");
    auto first = portal->submit(again);
    REQUIRE(first.ok());
    CHECK(first->accepted());
    sent.insert(first->message_uuid());
  }
  REQUIRE(sent.size() == 31);
  CHECK(broker.stop(SIGTERM) == 0);

  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto dup = portal->submit(again);
  REQUIRE(dup.ok());
  CHECK(dup->accepted());
  CHECK(dup->duplicate());
  // The check reads beside the running broker: every queued document against its digest.
  auto check = testing::runCommand(
      {OZGBUS_BROKER_BIN, "--config", (broker.dir() / "ozgbus.toml").string(), "--check"});
  CHECK_MESSAGE(check.status == 0, check.out << check.err);
  CHECK(check.out.find("31 stored documents checked, 0 problems") != std::string::npos);

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 16);
  CHECK(drainAcking(*backend, sent.size()) == sent);
  std::set<std::string> receipted;
  while (receipted.size() < sent.size()) {
    auto in = testing::nextOf(*portal, v1::RECEIPT);
    REQUIRE(in.has_value());
    CHECK(in->envelope.receipt().outcome() == v1::DELIVERED);
    receipted.insert(in->envelope.receipt().message_uuid());
    portal->ackReceipt(in->envelope.receipt().receipt_id());
  }
  CHECK(receipted == sent);
}

TEST_CASE("on PostgreSQL: across random SIGKILLs under load every ACCEPTED message is delivered") {
  testing::TestDatabase db;
  testing::KillHarnessOptions o;
  o.kills = 5;
  o.rate = 300;
  o.extra_toml = onPostgres(db);
  o.progress = [](const std::string& line) { MESSAGE(line); };
  const auto r = testing::runKillHarness(o);
  MESSAGE(testing::summary(r));
  CHECK(r.kills == 5);
  CHECK(r.accepted > 500);
  CHECK_MESSAGE(r.lost.empty(), "first lost: " << (r.lost.empty() ? "" : r.lost.front()));
}

TEST_CASE("a PostgreSQL store that cannot be reached stops the start, naming the server") {
  BrokerProcess broker(
      "[store]\nbackend = \"postgres\"\nurl = \"postgresql://ozgbus@127.0.0.1:1/ozgbus\"\n");
  const std::string why = testing::startFailure(broker);
  CHECK(why.find("127.0.0.1") != std::string::npos);
  CHECK(why.find("cannot start") != std::string::npos);
}

TEST_CASE("a password in store.url is refused: it belongs in store.password_file") {
  BrokerProcess broker(
      "[store]\nbackend = \"postgres\"\nurl = \"postgresql://ozgbus:secret@127.0.0.1/ozgbus\"\n");
  const std::string why = testing::startFailure(broker);
  CHECK(why.find("store.url") != std::string::npos);
  CHECK(why.find("password_file") != std::string::npos);
}

TEST_CASE("a second broker on the same PostgreSQL database exits at start") {
  testing::TestDatabase db;
  BrokerProcess first(onPostgres(db));
  first.start();
  BrokerProcess second(onPostgres(db));
  const std::string why = testing::startFailure(second);
  CHECK(why.find("another broker") != std::string::npos);
  CHECK(first.running());
  auto portal = first.connect("psw:02000001", v1::PORTAL);
  CHECK(portal->submit(testing::sampleMessage())->accepted());
}

TEST_CASE(
    "PostgreSQL crashes and restarts under load: nothing accepted is lost and the broker goes on "
    "by itself") {
  OwnServer server;
  BrokerProcess broker(server.toml());
  broker.start();

  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::set<std::string> accepted;
  std::size_t refused = 0;
  for (int i = 0; i < 300; ++i) {
    if (i == 100) server.run("crash-restart");
    std::string uuid;
    auto r = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
    REQUIRE(r.ok());
    if (r->accepted()) {
      accepted.insert(uuid);
    } else {
      CHECK_MESSAGE((r->reason() == v1::STORE_UNAVAILABLE || r->reason() == v1::STORE_FAILED),
                    r->detail());
      ++refused;
    }
  }
  MESSAGE("accepted " << accepted.size() << ", refused while the server was away " << refused);
  CHECK(accepted.size() >= 200);  // the broker reconnected without help
  CHECK(broker.running());

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  CHECK(drainAcking(*backend, accepted.size()) == accepted);
  CHECK(broker.stop(SIGTERM) == 0);
}

TEST_CASE(
    "PostgreSQL down: submissions are answered STORE_UNAVAILABLE, readyz 503; back up, the broker "
    "goes on by itself and nothing accepted is lost") {
  OwnServer server;
  BrokerProcess broker(server.toml());
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::set<std::string> accepted;
  const auto submit = [&](std::string* uuid) {
    auto r = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", uuid));
    REQUIRE(r.ok());
    if (r->accepted()) accepted.insert(*uuid);
    return *r;
  };
  std::string uuid;
  REQUIRE(submit(&uuid).accepted());
  CHECK(readyz(broker, 200) == 200);

  server.run("down");
  const v1::SubmitResult refused = submit(&uuid);
  CHECK_FALSE(refused.accepted());
  CHECK(refused.reason() == v1::STORE_UNAVAILABLE);
  CHECK_MESSAGE(refused.detail().find("cannot be reached") != std::string::npos, refused.detail());
  CHECK(readyz(broker, 503) == 503);
  CHECK(broker.running());

  server.run("up");
  bool again = false;
  for (int i = 0; i < 50 && !again; ++i) {
    again = submit(&uuid).accepted();
    if (!again) std::this_thread::sleep_for(100ms);
  }
  CHECK(again);
  CHECK(readyz(broker, 200) == 200);
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  CHECK(drainAcking(*backend, accepted.size()) == accepted);
  CHECK(broker.stop(SIGTERM) == 0);
}

TEST_CASE(
    "a cluster node while PostgreSQL is down: readyz 503 while idle, STORE_UNAVAILABLE; back up, "
    "it claims and delivers again by itself") {
  OwnServer server;
  BrokerProcess node(server.toml() + "[cluster]\nnode = \"a\"\nlease_ms = 1500\npoll_ms = 500\n");
  node.start();
  auto portal = node.connect("psw:02000001", v1::PORTAL);
  auto backend = node.connect("hh-gewerbeamt", v1::BACKEND, 8);
  const auto first = testing::submitSamples(*portal, 1);
  REQUIRE(first.size() == 1);
  CHECK(drainAcking(*backend, 1) == first);

  server.run("down");
  // Nothing submitted: the node learns of the outage when it renews its leases.
  CHECK(readyz(node, 503) == 503);
  std::string uuid;
  auto refused = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
  REQUIRE(refused.ok());
  CHECK(refused->reason() == v1::STORE_UNAVAILABLE);

  server.run("up");
  std::set<std::string> accepted;
  for (int i = 0; i < 50 && accepted.empty(); ++i) {
    auto r = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
    REQUIRE(r.ok());
    if (r->accepted()) accepted.insert(uuid);
    if (accepted.empty()) std::this_thread::sleep_for(100ms);
  }
  REQUIRE(accepted.size() == 1);
  CHECK(readyz(node, 200) == 200);
  // Claimed through the node's cluster connection, made again after the outage.
  CHECK(drainAcking(*backend, 1) == accepted);
  CHECK(node.stop(SIGTERM) == 0);
}

TEST_CASE("a store.password_file that cannot be read stops the start, naming it") {
  testing::TestDatabase db;
  BrokerProcess broker(onPostgres(db, "password_file = \"/nonexistent/pg-password\"\n"));
  const std::string why = testing::startFailure(broker);
  CHECK(why.find("/nonexistent/pg-password") != std::string::npos);
  CHECK(why.find("cannot be read") != std::string::npos);
}
