// The adapt stage in the real broker: translation for the destination's jurisdiction before
// signing, NO_ADAPTER_MAPPING at submit, a failing adapter's message kept as a dead letter,
// and a broken adapter reload that leaves the old adapters in force.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "core/dsig/verifier.h"
#include "core/xml/secure_parser.h"
#include "tests/support/broker_process.h"
#include "tests/support/config_toml.h"
#include "tests/support/files.h"
#include "tests/support/forgeries.h"

using namespace ozgbus;
using testing::BrokerProcess;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = OZGBUS_SOURCE_DIR;

std::string adaptConfig(const fs::path& adapters, bool sign) {
  return std::string("[pipeline]\nstages = [\"parse\", ") + (sign ? "\"verify\", " : "") +
         "\"validate\", \"header\", \"route\", \"adapt\", " + (sign ? "\"sign\", " : "") +
         "\"persist\"]\n\n[adapters]\nfolders = [\"" + adapters.string() + "\"]\n\n" +
         testing::schemasToml() + (sign ? testing::signaturesToml() : "");
}

// Adapters for the tests: Kiel maps only Meldewesen; München's stylesheet always refuses.
void writeTestAdapters(const fs::path& dir, const std::string& muenchen_xsl) {
  fs::create_directories(dir / "kiel");
  std::ofstream(dir / "kiel" / "adapter.toml")
      << "name = \"kiel\"\ndescription = \"Kiel\"\nars_prefixes = "
         "[\"01002\"]\npass_through_unmapped = false\n"
         "[[mappings]]\ninput = \"urn:xoev-de:ozgbus:meldewesen:2.0\"\nmessage_type = \"0200\"\n"
         "output = \"urn:xoev-de:ozgbus:meldewesen:2.0\"\noutput_type = \"0200\"\n";
  fs::create_directories(dir / "muenchen");
  std::ofstream(dir / "muenchen" / "adapter.toml")
      << "name = \"muenchen\"\ndescription = \"München\"\nars_prefixes = "
         "[\"09162\"]\npass_through_unmapped = false\n"
         "[[mappings]]\ninput = \"urn:xoev-de:ozgbus:bewohnerparken:1.0\"\nmessage_type = "
         "\"0300\"\n"
         "output = \"urn:xoev-de:ozgbus:bewohnerparken:2.0\"\noutput_type = \"0300\"\nstylesheet = "
         "\"t.xsl\"\n";
  std::ofstream(dir / "muenchen" / "t.xsl") << muenchen_xsl;
}

const char* kRefusing =
    R"(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">)"
    R"(<xsl:template match="/"><xsl:message terminate="yes">Parkzone unbekannt</xsl:message></xsl:template>)"
    R"(</xsl:stylesheet>)";

}  // namespace

TEST_CASE(
    "a Hamburg portal's 1.0 Gewerbe message reaches the Gewerbeamt as 2.0 signed by the broker") {
  BrokerProcess broker(adaptConfig(kSource / "adapters", true));
  broker.start();
  std::string uuid;
  const std::string submitted = testing::signedSample(&uuid);
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto r = portal->submit(submitted);
  REQUIRE(r.ok());
  REQUIRE_MESSAGE(r->accepted(), reasonName(r->reason()) << " " << r->detail());
  CHECK(r->reason() == v1::REASON_UNSPECIFIED);

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 4);
  auto d = testing::nextOf(*backend, v1::DELIVER);
  REQUIRE(d);
  REQUIRE(d->payloads.size() == 2);
  const std::string& delivered = d->payloads[0];
  CHECK(delivered.find("urn:xoev-de:ozgbus:gewerbe:2.0") != std::string::npos);
  CHECK(delivered.find("<gew:betriebsinhaber>") != std::string::npos);
  CHECK(delivered.find(uuid) != std::string::npos);
  CHECK(d->payloads[1] == submitted);
  auto trust = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE(trust.ok());
  dsig::Verifier verifier;
  auto doc = xml::parseSecure(delivered, {});
  REQUIRE(doc.ok());
  auto v = verifier.verify(doc->get(), **trust);
  REQUIRE_MESSAGE(v.ok(), v.rejection().toString());
  CHECK(v->common_name == "ozgbus-broker-ec");
}

TEST_CASE(
    "no mapping is NO_ADAPTER_MAPPING at submit and a failing adapter's message is kept as a dead "
    "letter") {
  testing::TempDir adapters;
  writeTestAdapters(adapters.path(), kRefusing);
  BrokerProcess broker(adaptConfig(adapters.path(), false));
  broker.start();
  auto portal = broker.connect("psw:01000001", v1::PORTAL);

  auto r = portal->submit(testing::sampleMessage("bewohnerparken-2.0-kiel.xml"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->accepted());
  CHECK(r->reason() == v1::NO_ADAPTER_MAPPING);
  CHECK(r->detail().find("adapter 'kiel'") != std::string::npos);
  CHECK(r->detail().find("urn:xoev-de:ozgbus:bewohnerparken:2.0 message type 0300") !=
        std::string::npos);

  std::string uuid;
  r = portal->submit(testing::sampleMessage("bewohnerparken-1.0-muenchen.xml", &uuid));
  REQUIRE(r.ok());
  CHECK(r->accepted());
  CHECK(r->reason() == v1::ADAPTER_FAILED);
  CHECK(r->detail().find("Parkzone unbekannt") != std::string::npos);
  auto status = portal->status();
  REQUIRE(status.ok());
  bool found = false;
  for (const auto& q : status->queues()) {
    if (q.name() == "by-muenchen-kvr") {
      found = true;
      CHECK(q.dead_letters() == 1);
      CHECK(q.depth() == 0);
    }
  }
  CHECK(found);
  CHECK(broker.log().find(uuid) != std::string::npos);
}

TEST_CASE("a broken adapter on reload leaves the previous adapters in force") {
  testing::TempDir adapters;
  writeTestAdapters(adapters.path(), kRefusing);
  BrokerProcess broker(adaptConfig(adapters.path(), false));
  broker.start();
  std::ofstream(adapters.path() / "muenchen" / "t.xsl") << "<xsl:stylesheet";  // half written
  ::kill(broker.pid(), SIGHUP);
  CHECK(broker.waitForLog("adapter reload failed; the previous adapters stay in force"));
  CHECK(broker.log().find("t.xsl") != std::string::npos);
  auto portal = broker.connect("psw:09000001", v1::PORTAL);
  auto r = portal->submit(testing::sampleMessage("bewohnerparken-1.0-muenchen.xml"));
  REQUIRE(r.ok());
  CHECK(r->reason() == v1::ADAPTER_FAILED);  // still the old stylesheet
}
