// The broker with the validate stage: our schemas and the real XWasser 1.0.0 standard.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/files.h"

using namespace ozgbus;
using testing::BrokerProcess;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = OZGBUS_SOURCE_DIR;
const fs::path kXWasser = kSource / "tests/fixtures/real-world/xwasser-1.0.0";

std::string config(const fs::path& catalog, const std::string& namespaces) {
  return "[pipeline]\nstages = [\"parse\", \"validate\", \"header\", \"route\", "
         "\"persist\"]\n\n[schemas]\n"
         "catalogs = [\"" +
         catalog.string() + "\"]\nnamespaces = [" + namespaces +
         "]\n"
         "[[routes]]\nreader = \"olb:09000000\"\ndestination = \"olb-bayern\"\n"
         "[[routes]]\nreader = \"psw:01003110\"\ndestination = \"sh-gesundheitsamt\"\n"
         "[[routes]]\nreader = \"psw:11113110\"\ndestination = \"be-gesundheitsamt\"\n"
         "[[routes]]\nreader = \"bwv:1\"\ndestination = \"wasserversorger\"\n";
}

const std::string kXWasserNs = "\"https://gitlab.opencode.de/akdb/xoev/xwasser/-/raw/main/V1_0_0\"";

}  // namespace

TEST_CASE(
    "XWasser samples: four validate and are routed by leser kennung, two are SCHEMA_INVALID") {
  BrokerProcess broker(config(kXWasser / "catalog.xml", kXWasserNs));
  broker.start();
  const std::map<std::string, std::string> routed = {
      {"olb_report_minimal.xml", "olb-bayern"},
      {"administration_receipt.xml", "sh-gesundheitsamt"},
      {"quality_report_minimal.xml", "be-gesundheitsamt"},
      {"quality_report_maximal.xml", "wasserversorger"}};
  for (const auto& [file, queue] : routed) {
    CAPTURE(file);
    auto portal = broker.connect("psw:xwasser", v1::PORTAL);
    auto r = portal->submit(testing::readFile(kXWasser / "messages" / file));
    REQUIRE(r.ok());
    CHECK(r->accepted());
    CHECK(r->destination() == queue);
  }
  for (const char* file : {"monitoring_plan_minimal.xml", "monitoring_plan_maximal.xml"}) {
    CAPTURE(file);
    auto portal = broker.connect("psw:xwasser", v1::PORTAL);
    auto r = portal->submit(testing::readFile(kXWasser / "messages" / file));
    REQUIRE(r.ok());
    CHECK_FALSE(r->accepted());
    CHECK(r->reason() == v1::SCHEMA_INVALID);
    CHECK(r->detail().find("line ") == 0);
    CHECK(r->detail().find("probennahmestelleKategorie") != std::string::npos);
  }
}

TEST_CASE("our schemas in the pipeline: valid accepted, invalid and unknown rejected with reason") {
  BrokerProcess broker(config(kSource / "xsd/catalog.xml", "\"urn:xoev-de:ozgbus:gewerbe:1.0\""));
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  CHECK(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml"))->accepted());

  auto invalid = portal->submit(testing::readFile(
      kSource / "tests/fixtures/messages/gewerbe/1.0/invalid-missing-rechtsform.xml"));
  CHECK(invalid->reason() == v1::SCHEMA_INVALID);
  CHECK(invalid->detail().find("/gew:gewerbe.anmeldung.0100/") != std::string::npos);

  auto unknown = portal->submit(testing::sampleMessage("wohnsitzanmeldung-2.0-hamburg.xml"));
  CHECK(unknown->reason() == v1::SCHEMA_UNKNOWN);
  CHECK(unknown->detail().find("urn:xoev-de:ozgbus:meldewesen:2.0") != std::string::npos);
}

TEST_CASE(
    "a broken schema set stops the start with the file named; a broken reload keeps the old set") {
  testing::TempDir dir;
  std::ofstream(dir.path() / "catalog.xml")
      << R"(<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:t" uri="t.xsd"/></catalog>)";
  std::ofstream(dir.path() / "t.xsd")
      << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t"><xs:include schemaLocation="gone.xsd"/></xs:schema>)";
  {
    BrokerProcess broken(config(dir.path() / "catalog.xml", "\"urn:t\""));
    CHECK_THROWS_WITH_AS(broken.start(), doctest::Contains("gone.xsd"), std::runtime_error);
  }

  BrokerProcess broker(config(kSource / "xsd/catalog.xml", "\"urn:xoev-de:ozgbus:gewerbe:1.0\""));
  broker.start();
  // Break the catalog the broker reads, then ask for a reload.
  const fs::path live = broker.dir() / "ozgbus.toml";
  std::string toml = testing::readFile(live);
  toml.replace(toml.find((kSource / "xsd/catalog.xml").string()),
               (kSource / "xsd/catalog.xml").string().size(),
               (dir.path() / "catalog.xml").string());
  std::ofstream(live) << toml;
  ::kill(broker.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(broker.log().find("schema reload failed; the previous schema set stays in force") !=
        std::string::npos);
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  CHECK(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml"))->accepted());
}
