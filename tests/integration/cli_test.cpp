#include <doctest/doctest.h>

#include <chrono>
#include <fstream>

#include "core/wire/curve_keys.h"
#include "tests/support/broker_process.h"
#include "tests/support/files.h"
#include "tests/support/pki.h"

using namespace ozgbus;
using testing::BrokerProcess;
using testing::runCommand;
using namespace std::chrono_literals;

TEST_CASE("ozgbus send, recv and status") {
  BrokerProcess broker;
  broker.start();
  std::string uuid;
  const auto good = broker.dir() / "good.xml";
  std::ofstream(good) << testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid);
  const auto bad = broker.dir() / "bad.xml";
  std::ofstream(bad) << "<not-a-message/>";

  auto sent = runCommand({OZGBUS_CLI_BIN, "send", "--broker", broker.endpoint(), "--as",
                          "psw:02000001", good.string()});
  CHECK(sent.status == 0);
  CHECK(sent.out == uuid + " ACCEPTED hh-gewerbeamt\n");

  auto mixed = runCommand({OZGBUS_CLI_BIN, "send", "--broker", broker.endpoint(), "--as",
                           "psw:02000001", good.string(), bad.string()});
  CHECK(mixed.status == 1);  // not all accepted
  CHECK(mixed.out.find("(duplicate, stored once)") != std::string::npos);
  CHECK(mixed.out.find("REJECTED HEADER_MISSING") != std::string::npos);

  auto status =
      runCommand({OZGBUS_CLI_BIN, "status", "--broker", broker.endpoint(), "--as", "ops"});
  CHECK(status.status == 0);
  CHECK(status.out.find("hh-gewerbeamt") != std::string::npos);

  const auto inbox = broker.dir() / "inbox";
  auto recv =
      runCommand({OZGBUS_CLI_BIN, "recv", "--broker", broker.endpoint(), "--as", "hh-gewerbeamt",
                  "--out", inbox.string(), "--count", "1", "--timeout", "10"});
  CHECK(recv.status == 0);
  CHECK(std::filesystem::exists(inbox / ("psw%3A02000001_" + uuid + "_0100.xml")));
  CHECK(recv.out.find(uuid) != std::string::npos);
}

TEST_CASE(
    "without CURVE keys, status, send, recv and watch name the missing options at once; the broker "
    "logs it") {
  const auto curve = testing::pki() / "curve";
  BrokerProcess broker(testing::readFile(curve / "participants.toml"), "info",
                       "curve_secret_key_file = \"" + (curve / "broker.key").string() + "\"");
  client::Options probe{"", "ozgbus-operator", v1::OBSERVER};
  probe.public_key = wire::loadCurveKeys(curve / "ozgbus-operator.key")->public_key;
  probe.secret_key = wire::loadCurveKeys(curve / "ozgbus-operator.key")->secret_key;
  probe.server_public_key = wire::loadCurveKeys(curve / "broker.pub")->public_key;
  broker.setProbe(probe);
  broker.start();
  const auto sample = broker.dir() / "sample.xml";
  std::ofstream(sample) << testing::sampleMessage();
  const std::string events = "tcp://127.0.0.1:" + std::to_string(broker.eventsPort());
  const std::vector<std::vector<std::string>> commands = {
      {OZGBUS_CLI_BIN, "status", "--broker", broker.endpoint(), "--as", "ozgbus-operator"},
      {OZGBUS_CLI_BIN, "send", "--broker", broker.endpoint(), "--as", "psw:02000001",
       sample.string()},
      {OZGBUS_CLI_BIN, "recv", "--broker", broker.endpoint(), "--as", "hh-gewerbeamt", "--out",
       (broker.dir() / "inbox").string(), "--timeout", "30"},
      {OZGBUS_CLI_BIN, "watch", "--events", events, "--timeout", "30"}};
  for (const auto& argv : commands) {
    CAPTURE(argv[1]);
    const auto start = std::chrono::steady_clock::now();
    const auto r = runCommand(argv);
    // The clients wait 10 s for a handshake (and say so when nothing answers); a refusal ends
    // them at once.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find("requires CURVE keys") != std::string::npos, r.err);
    CHECK(r.err.find("--key FILE") != std::string::npos);
    CHECK(r.err.find("--server-key FILE") != std::string::npos);
  }
  CHECK(broker.waitForLog("handshake refused before HELLO", 15s));
  CHECK(broker.waitForLog("does not use CURVE", 15s));
}

TEST_CASE("a client that reaches no broker says so within the timeout it states") {
  client::Options o{"tcp://127.0.0.1:1", "psw:02000001", v1::PORTAL};
  o.timeout = std::chrono::milliseconds(300);
  auto c = client::Client::connect(o);
  REQUIRE_FALSE(c.ok());
  CHECK(c.rejection().reason == v1::BROKER_UNREACHABLE);
  CHECK(c.rejection().detail.find("within 300 ms") != std::string::npos);
}

TEST_CASE("ozgbus names an unknown command and lists the known ones") {
  const auto r = runCommand({OZGBUS_CLI_BIN, "stauts"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown command 'stauts'") != std::string::npos);
  CHECK(r.err.find("status") != std::string::npos);
}

TEST_CASE(
    "ozgbus validate --catalog finds each file's schema by its namespace and what the header stage "
    "refuses") {
  const std::filesystem::path src = OZGBUS_SOURCE_DIR;
  const auto xwasser = src / "tests/fixtures/real-world/xwasser-1.0.0";
  testing::TempDir dir;
  // A schema that lets anything through under its root: only the header stage can object.
  std::ofstream(dir.path() / "catalog.xml")
      << R"(<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:t" uri="t.xsd"/></catalog>)";
  std::ofstream(dir.path() / "t.xsd")
      << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified">)"
         R"(<xs:element name="msg"><xs:complexType><xs:sequence><xs:any processContents="skip" minOccurs="0" )"
         R"(maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element></xs:schema>)";
  std::ofstream(dir.path() / "headless.xml") << R"(<t:msg xmlns:t="urn:t"><inhalt/></t:msg>)";
  std::ofstream(dir.path() / "unmapped.xml") << R"(<u:msg xmlns:u="urn:nobody-maps-this"/>)";
  const std::string ours =
      (src / "tests/fixtures/messages/gewerbe/1.0/valid-anmeldung-hamburg.xml").string();
  const auto r = runCommand(
      {OZGBUS_CLI_BIN, "validate", "--catalog", (src / "xsd/catalog.xml").string(), "--catalog",
       (xwasser / "catalog.xml").string(), "--catalog", (dir.path() / "catalog.xml").string(), ours,
       (xwasser / "messages/quality_report_minimal.xml").string(),
       (xwasser / "messages/monitoring_plan_minimal.xml").string(),
       (dir.path() / "headless.xml").string(), (dir.path() / "unmapped.xml").string()});
  CHECK(r.status == 1);
  CHECK(r.out.find(ours + " VALID ") != std::string::npos);
  CHECK(r.out.find("quality_report_minimal.xml VALID 693c64d6-456f-4d14-abe7-fe9681c74aae") !=
        std::string::npos);
  CHECK(r.out.find("monitoring_plan_minimal.xml INVALID SCHEMA_INVALID") != std::string::npos);
  CHECK(r.out.find("headless.xml INVALID HEADER_MISSING") != std::string::npos);
  CHECK(r.out.find("unmapped.xml INVALID SCHEMA_UNKNOWN: namespace urn:nobody-maps-this") !=
        std::string::npos);
}
