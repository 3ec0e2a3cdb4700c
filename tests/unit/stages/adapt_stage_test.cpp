// AdaptStage alone: Hamburg's adapter translates Gewerbe 1.0 to 2.0 (message.doc, header,
// translated, adapted_by); mappings without a stylesheet and the default adapter pass the
// message through; an unmapped type or a reader no adapter serves is NO_ADAPTER_MAPPING; a
// failing stylesheet (ADAPTER_FAILED) or an output that is no XOEV message
// (ADAPTER_OUTPUT_INVALID) keeps the message as a dead letter, untranslated.
#include "broker/pipeline/adapt_stage.h"

#include <doctest/doctest.h>

#include <fstream>

#include "core/xml/secure_parser.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace ozgbus::broker;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = OZGBUS_SOURCE_DIR;

// What a loader built, or the test stops with its reason.
template <typename T>
std::shared_ptr<const T> loaded(Result<std::shared_ptr<const T>> r) {
  REQUIRE_MESSAGE(r.ok(), r.rejection().detail);
  return *r;
}

struct Fixture {
  explicit Fixture(const fs::path& adapter_folder = kSource / "adapters")
      : adapters(loaded(AdapterSet::load({adapter_folder}))),
        schemas(loaded(schema::SchemaRegistry::load(
            {{kSource / "xsd/catalog.xml"},
             {"urn:xoev-de:ozgbus:gewerbe:1.0", "urn:xoev-de:ozgbus:gewerbe:2.0"}}))) {}
  CurrentAdapters adapters;
  schema::CurrentRegistry schemas;
  util::Snapshot<xoev::HeaderMappings> headers;  // no [[headers]]: nachrichtenkopf.g2g
  AdaptStage stage{adapters, schemas, headers};
};

// Hamburg's Gewerbe 1.0 fixture, parsed and its header read, as the stages before leave it.
Message hamburgGewerbe10() {
  Message m;
  m.raw = std::make_shared<const std::string>(
      testing::readFile(kSource / "adapters/hamburg/fixtures/gewerbe-1.0-anmeldung.in.xml"));
  auto doc = xml::parseSecure(*m.raw, {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  auto header = xoev::readHeader(m.doc.get());
  REQUIRE(header.ok());
  m.header = std::move(*header);
  return m;
}

std::string rootNamespace(const Message& m) {
  return xml::chars(xmlDocGetRootElement(m.doc.get())->ns->href);
}

// Adapter "t" for ARS 02: Gewerbe 1.0 runs a stylesheet that terminates, Gewerbe 2.0 one whose
// output has no header.
void writeBrokenAdapter(const fs::path& folder) {
  const std::string head =
      R"(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">)";
  fs::create_directories(folder / "t");
  std::ofstream(folder / "t" / "adapter.toml")
      << "name = \"t\"\ndescription = \"test\"\nars_prefixes = [\"02\"]\npass_through_unmapped = "
         "false\n"
         "[[mappings]]\ninput = \"urn:xoev-de:ozgbus:gewerbe:1.0\"\nmessage_type = \"0100\"\n"
         "output = \"urn:xoev-de:ozgbus:gewerbe:2.0\"\noutput_type = \"0100\"\nstylesheet = "
         "\"fail.xsl\"\n"
         "[[mappings]]\ninput = \"urn:xoev-de:ozgbus:gewerbe:2.0\"\nmessage_type = \"0100\"\n"
         "output = \"urn:xoev-de:ozgbus:gewerbe:2.0\"\noutput_type = \"0100\"\nstylesheet = "
         "\"empty.xsl\"\n";
  std::ofstream(folder / "t" / "fail.xsl")
      << head
      << "<xsl:template match=\"/\"><xsl:message terminate=\"yes\">Betriebsstaette "
         "unbekannt</xsl:message>"
         "</xsl:template></xsl:stylesheet>";
  std::ofstream(folder / "t" / "empty.xsl")
      << head << "<xsl:template match=\"/\"><r/></xsl:template></xsl:stylesheet>";
}

}  // namespace

TEST_CASE("adapt stage translates a Hamburg Gewerbe 1.0 message to 2.0") {
  Fixture f;
  CHECK(f.stage.name() == "adapt");
  CHECK(f.stage.traceEvent() == "adapted");
  Message m = hamburgGewerbe10();
  CHECK_FALSE(f.stage.process(m));
  CHECK_FALSE(m.dead_letter);
  CHECK(m.translated);
  CHECK(rootNamespace(m) == "urn:xoev-de:ozgbus:gewerbe:2.0");
  CHECK(m.header.namespace_uri == "urn:xoev-de:ozgbus:gewerbe:2.0");
  CHECK(m.header.message_uuid == "505fd83e-af88-483c-9c52-153b659b08d6");
  CHECK(m.adapted_by == "hamburg (gewerbe-1.0-to-2.0.xsl)");
  CHECK(m.note == "by hamburg (gewerbe-1.0-to-2.0.xsl)");
  CHECK(m.raw->find("urn:xoev-de:ozgbus:gewerbe:1.0") != std::string::npos);  // the original stays
}

TEST_CASE(
    "adapt stage passes through a mapping without stylesheet and what the default adapter serves") {
  Fixture f;
  Message hamburg = hamburgGewerbe10();
  hamburg.header.namespace_uri =
      "urn:xoev-de:ozgbus:gewerbe:2.0";  // Hamburg's 2.0 mapping has no stylesheet
  CHECK_FALSE(f.stage.process(hamburg));
  CHECK(hamburg.adapted_by == "hamburg (pass-through)");
  CHECK(hamburg.note == "by hamburg (pass-through)");
  CHECK_FALSE(hamburg.translated);
  CHECK(rootNamespace(hamburg) == "urn:xoev-de:ozgbus:gewerbe:1.0");

  Message elsewhere = hamburgGewerbe10();
  elsewhere.header.reader = "ars:051110000000";
  CHECK_FALSE(f.stage.process(elsewhere));
  CHECK(elsewhere.adapted_by == "default (pass-through)");
  CHECK_FALSE(elsewhere.translated);
}

TEST_CASE("adapt stage refuses a type the reader's adapter does not map as NO_ADAPTER_MAPPING") {
  Fixture f;
  Message m = hamburgGewerbe10();
  m.header.message_type = "0200";
  auto r = f.stage.process(m);
  REQUIRE(r);
  CHECK(r->reason == v1::NO_ADAPTER_MAPPING);
  CHECK(
      r->detail.rfind("adapter 'hamburg' (reader 'ars:020000000000') has no mapping for "
                      "urn:xoev-de:ozgbus:gewerbe:1.0 message type 0200; it maps "
                      "urn:xoev-de:ozgbus:gewerbe:1.0/0100 -> urn:xoev-de:ozgbus:gewerbe:2.0/0100",
                      0) == 0);
  CHECK(m.adapted_by.empty());
}

TEST_CASE(
    "adapt stage keeps the message as a dead letter when the stylesheet fails or its output is no "
    "message") {
  testing::TempDir dir;
  writeBrokenAdapter(dir.path());
  Fixture f(dir.path());
  Message failing = hamburgGewerbe10();
  CHECK_FALSE(f.stage.process(failing));  // accepted: not the portal's fault
  REQUIRE(failing.dead_letter);
  CHECK(failing.dead_letter->reason == v1::ADAPTER_FAILED);
  CHECK(failing.dead_letter->detail.rfind("adapter 't': fail.xsl failed: ", 0) == 0);
  CHECK(failing.dead_letter->detail.find("Betriebsstaette unbekannt") != std::string::npos);
  CHECK(failing.note == failing.dead_letter->toString());
  CHECK_FALSE(failing.translated);
  CHECK(rootNamespace(failing) == "urn:xoev-de:ozgbus:gewerbe:1.0");

  Message headless = hamburgGewerbe10();
  headless.header.namespace_uri = "urn:xoev-de:ozgbus:gewerbe:2.0";
  CHECK_FALSE(f.stage.process(headless));
  REQUIRE(headless.dead_letter);
  CHECK(headless.dead_letter->reason == v1::ADAPTER_OUTPUT_INVALID);
  CHECK(headless.dead_letter->detail.rfind(
            "adapter 't', empty.xsl: no nachrichtenkopf.g2g under <r>", 0) == 0);
  CHECK_FALSE(headless.translated);

  Message unserved = hamburgGewerbe10();
  unserved.header.reader = "ars:051110000000";  // "t" serves ARS 02 only, and there is no default
  auto r = f.stage.process(unserved);
  REQUIRE(r);
  CHECK(r->reason == v1::NO_ADAPTER_MAPPING);
  CHECK(r->detail ==
        "no adapter serves reader 'ars:051110000000' (an adapter with ars_prefixes = [\"\"] serves "
        "all)");
}
