// The adapter engine: every fixture of every adapter under adapters/ (found, not listed), the
// manifest checks, and the security policy that stylesheets run under.
#include "broker/adapt/adapter_set.h"

#include <doctest/doctest.h>
#include <libxml/c14n.h>

#include <fstream>

#include "core/dsig/signer.h"
#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "tests/support/files.h"
#include "tests/support/listener.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;
using broker::AdapterSet;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = OZGBUS_SOURCE_DIR;

// Canonical form without blank text, so indentation does not matter but content does.
std::string canonical(const std::string& bytes) {
  xml::Doc doc(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                             XML_PARSE_NONET | XML_PARSE_NOBLANKS));
  REQUIRE(doc);
  xmlChar* out = nullptr;
  const int n = xmlC14NDocDumpMemory(doc.get(), nullptr, XML_C14N_1_0, nullptr, 0, &out);
  xml::XmlString owner(out);
  return std::string(xml::chars(out), static_cast<std::size_t>(n));
}

std::shared_ptr<const schema::SchemaRegistry> schemas() {
  static auto r = [] {
    std::vector<std::string> namespaces;
    for (const char* s : {"gewerbe", "meldewesen", "bewohnerparken"}) {
      for (const char* v : {"1.0", "2.0"})
        namespaces.push_back(std::string("urn:xoev-de:ozgbus:") + s + ":" + v);
    }
    namespaces.push_back("urn:xoev-de:ozgbus:by:gewerbe:1.0");
    namespaces.push_back("urn:xoev-de:ozgbus:by:bewohnerparken:1.0");
    return schema::SchemaRegistry::load({{kSource / "xsd/catalog.xml"}, namespaces});
  }();
  REQUIRE_MESSAGE(r.ok(), r.rejection().detail);
  return *r;
}

std::shared_ptr<const AdapterSet> shipped() {
  static auto set = AdapterSet::load({kSource / "adapters"});
  REQUIRE_MESSAGE(set.ok(), set.rejection().detail);
  return *set;
}

// Writes one adapter "t" into dir: a single mapping run by t.xsl (= xsl), with `extra` appended
// to its manifest.
void writeOneAdapter(const testing::TempDir& dir, const std::string& xsl,
                     const std::string& extra = "") {
  fs::create_directories(dir.path() / "t");
  std::ofstream(dir.path() / "t" / "adapter.toml")
      << "name = \"t\"\ndescription = \"test\"\nars_prefixes = [\"\"]\npass_through_unmapped = "
         "false\n"
         "[[mappings]]\ninput = \"urn:x\"\nmessage_type = \"1\"\noutput = \"urn:y\"\noutput_type = "
         "\"1\"\n"
         "stylesheet = \"t.xsl\"\n"
      << extra;
  std::ofstream(dir.path() / "t" / "t.xsl") << xsl;
}

// The set of that one adapter, loaded.
std::shared_ptr<const AdapterSet> oneAdapter(const testing::TempDir& dir, const std::string& xsl) {
  writeOneAdapter(dir, xsl);
  auto set = AdapterSet::load({dir.path()});
  REQUIRE_MESSAGE(set.ok(), set.rejection().detail);
  return *set;
}

Result<xml::Doc> run(const AdapterSet& set, const std::string& input) {
  auto doc = xml::parseSecure(input, {});
  REQUIRE(doc.ok());
  return AdapterSet::translate(set.adapters().front().mappings.front(), doc->get());
}

const char* kXslHead =
    R"(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">)";

}  // namespace

TEST_CASE(
    "every fixture of every adapter gives its expected output, valid against the receiver's "
    "schema") {
  auto set = shipped();
  schema::SchemaValidator validator;
  int cases = 0;
  for (const auto& adapter : set->adapters()) {
    const fs::path fixtures = adapter.manifest.folder / "fixtures";
    if (!fs::exists(fixtures)) continue;
    for (const auto& e : fs::directory_iterator(fixtures)) {
      const std::string name = e.path().filename().string();
      if (name.size() < 7 || name.substr(name.size() - 7) != ".in.xml") continue;
      const std::string stem = e.path().string().substr(0, e.path().string().size() - 7);
      CAPTURE(adapter.manifest.name);
      CAPTURE(name);
      ++cases;
      auto doc = xml::parseSecure(testing::readFile(e.path()), {});
      REQUIRE(doc.ok());
      auto header = xoev::readHeader(doc->get());
      REQUIRE(header.ok());
      const auto* mapping = adapter.find(header->namespace_uri, header->message_type);
      REQUIRE(mapping != nullptr);
      REQUIRE(mapping->style);
      auto out = AdapterSet::translate(*mapping, doc->get());
      if (fs::exists(stem + ".error.txt")) {
        std::string expected = testing::readFile(stem + ".error.txt");
        while (!expected.empty() && (expected.back() == '\n' || expected.back() == ' '))
          expected.pop_back();
        REQUIRE_FALSE(out.ok());
        CHECK(out.rejection().reason == v1::ADAPTER_FAILED);
        CHECK_MESSAGE(out.rejection().detail.find(expected) != std::string::npos,
                      out.rejection().detail);
        continue;
      }
      REQUIRE_MESSAGE(out.ok(), out.rejection().toString());
      CHECK(canonical(dsig::serialize(out->get())) ==
            canonical(testing::readFile(stem + ".out.xml")));
      const auto invalid = validator.validate(schemas(), out->get());
      CHECK_MESSAGE(!invalid, (invalid ? invalid->toString() : ""));
      auto out_header = xoev::readHeader(out->get());
      REQUIRE(out_header.ok());
      CHECK(out_header->namespace_uri == mapping->spec.output);
      CHECK(out_header->message_uuid == header->message_uuid);
    }
  }
  CHECK(cases >= 20);
}

TEST_CASE("adapters are chosen by the longest ARS prefix of the reader") {
  auto set = shipped();
  CHECK(set->forReader("020000000000")->manifest.name == "hamburg");
  CHECK(set->forReader("010020000000")->manifest.name == "schleswig-holstein");
  CHECK(set->forReader("091620000000")->manifest.name == "bayern");
  CHECK(set->forReader("051110000000")->manifest.name == "default");
  CHECK(set->forReader("")->manifest.name == "default");
}

TEST_CASE("manifest errors name the file and the key") {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "x");
  const auto load = [&](const std::string& toml) {
    std::ofstream(dir.path() / "x" / "adapter.toml") << toml;
    auto set = AdapterSet::load({dir.path()});
    REQUIRE_FALSE(set.ok());
    return set.rejection().detail;
  };
  const std::string head =
      "description = \"d\"\nars_prefixes = [\"02\"]\npass_through_unmapped = false\n";
  CHECK(load("name = \"y\"\n" + head).find("adapter.toml: name must equal the folder name 'x'") !=
        std::string::npos);
  CHECK(load("name = \"x\"\n" + head + "[[mappings]]\ninput = \"urn:a\"\noutput = \"urn:b\"\n")
            .find("mappings[0].message_type is required") != std::string::npos);
  CHECK(load("name = \"x\"\n" + head +
             "[[mappings]]\ninput = \"urn:a\"\nmessage_type = \"1\"\noutput = \"urn:b\"\n"
             "output_type = \"1\"\nstylesheet = \"gone.xsl\"\n")
            .find("mappings[0].stylesheet 'gone.xsl' does not exist") != std::string::npos);
  CHECK(load("name = \"x\"\ndescription = \"d\"\nars_prefixes = [\"0a\"]\npass_through_unmapped = "
             "false\n")
            .find("ars_prefixes must hold strings of up to 12 digits") != std::string::npos);
  CHECK(load("name = \"x\"\n" + head +
             "[[mappings]]\ninput = \"urn:a\"\nmessage_type = \"1\"\noutput = \"urn:b\"\n"
             "output_type = \"1\"\n")
            .find("mappings[0].stylesheet is required") != std::string::npos);
  CHECK(load("name = \"x\"\n" + head + "[[mappings]]\n").find(dir.path().string()) !=
        std::string::npos);
}

TEST_CASE("a stylesheet that is not XSLT or imports another file is refused at load") {
  testing::TempDir dir;
  writeOneAdapter(dir, std::string(kXslHead) + "<xsl:import href=\"other.xsl\"/></xsl:stylesheet>");
  std::ofstream(dir.path() / "t" / "other.xsl") << kXslHead << "</xsl:stylesheet>";
  auto set = AdapterSet::load({dir.path()});
  REQUIRE_FALSE(set.ok());
  CHECK(set.rejection().detail.find("t.xsl") != std::string::npos);
  std::ofstream(dir.path() / "t" / "t.xsl") << "<not-xslt/>";
  set = AdapterSet::load({dir.path()});
  REQUIRE_FALSE(set.ok());
  CHECK(set.rejection().detail.find("not a usable XSLT 1.0 stylesheet") != std::string::npos);
}

TEST_CASE("a stylesheet may not read files or the network nor write anything") {
  testing::TempDir dir;
  testing::Listener listener;
  const std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/x.xml";
  for (const std::string& body :
       std::vector<std::string>{"<xsl:template match=\"/\"><r><xsl:copy-of "
                                "select=\"document('/etc/hostname')\"/></r></xsl:template>",
                                "<xsl:template match=\"/\"><r><xsl:copy-of select=\"document('" +
                                    url + "')\"/></r></xsl:template>",
                                std::string("<xsl:template match=\"/\"><r><xsl:copy-of "
                                            "select=\"document('')\"/></r></xsl:template>")}) {
    CAPTURE(body);
    auto set = oneAdapter(dir, kXslHead + body + "</xsl:stylesheet>");
    auto out = run(*set, "<a/>");
    REQUIRE_FALSE(out.ok());
    CHECK(out.rejection().reason == v1::ADAPTER_FAILED);
  }
  CHECK_FALSE(listener.contacted());
  const fs::path written = dir.path() / "written.xml";
  auto set = oneAdapter(
      dir, std::string(
               R"(<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform")"
               R"( xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">)") +
               "<xsl:template match=\"/\"><exsl:document href=\"" + written.string() +
               "\"><x/></exsl:document><r/></xsl:template></xsl:stylesheet>");
  (void)run(*set, "<a/>");
  CHECK_FALSE(fs::exists(written));
}

TEST_CASE(
    "xsl:message terminate refuses the message with the stylesheet's text and parameters arrive as "
    "strings") {
  testing::TempDir dir;
  auto set =
      oneAdapter(dir, std::string(kXslHead) +
                          "<xsl:template match=\"/\"><xsl:message terminate=\"yes\">code 04 has no "
                          "equivalent</xsl:message></xsl:template></xsl:stylesheet>");
  auto out = run(*set, "<a/>");
  REQUIRE_FALSE(out.ok());
  CHECK(out.rejection().detail.find("code 04 has no equivalent") != std::string::npos);

  testing::TempDir dir2;
  writeOneAdapter(dir2,
                  std::string(kXslHead) +
                      "<xsl:param name=\"stelle\"/><xsl:template match=\"/\"><r><xsl:value-of "
                      "select=\"$stelle\"/></r></xsl:template></xsl:stylesheet>",
                  "[mappings.parameters]\nstelle = \"Bezirksamt 'Mitte' \\\"A\\\"\"\n");
  auto set2 = AdapterSet::load({dir2.path()});
  REQUIRE(set2.ok());
  auto out2 = run(**set2, "<a/>");
  REQUIRE_MESSAGE(out2.ok(), out2.rejection().toString());
  CHECK(dsig::serialize(out2->get()).find("<r>Bezirksamt 'Mitte' \"A\"</r>") != std::string::npos);
}

TEST_CASE("meldewesen 1.0 -> 2.0 splits strasseUndHausnummer or refuses it, naming the value") {
  const auto set = shipped();
  const broker::CompiledMapping* mapping =
      set->forReader("020000000000")->find("urn:xoev-de:ozgbus:meldewesen:1.0", "0200");
  REQUIRE(mapping != nullptr);
  const std::string kiel = testing::readFile(
      kSource / "tests/fixtures/messages/meldewesen/1.0/valid-anmeldung-kiel.xml");
  const std::string before = "<meld:strasseUndHausnummer>Holtenauer Straße 112<";
  REQUIRE(kiel.find(before) != std::string::npos);
  const auto translate = [&](const std::string& street) {
    std::string doc = kiel;
    doc.replace(doc.find(before), before.size(), "<meld:strasseUndHausnummer>" + street + "<");
    auto parsed = xml::parseSecure(doc, {});
    REQUIRE(parsed.ok());
    return AdapterSet::translate(*mapping, parsed->get());
  };
  // The new dwelling's address appears twice in 2.0 (neueWohnung and wohnungsgeber).
  const auto split = [&](const std::string& street) {
    auto out = translate(street);
    REQUIRE_MESSAGE(out.ok(), street << ": " << out.rejection().toString());
    xmlChar* text = nullptr;
    int size = 0;
    xmlDocDumpMemory(out->get(), &text, &size);
    xml::XmlString owner(text);
    const std::string s(xml::chars(text), static_cast<std::size_t>(size));
    const auto at = s.find("<meld:neueWohnung>");
    REQUIRE(at != std::string::npos);
    const auto field = [&](const std::string& name) {
      const auto open = s.find("<bdt:" + name + ">", at);
      if (open == std::string::npos || open > s.find("</meld:anschrift>", at))
        return std::string("-");
      const auto from = open + name.size() + 6;
      return s.substr(from, s.find('<', from) - from);
    };
    return field("strasse") + "|" + field("hausnummer") + "|" + field("hausnummerZusatz");
  };
  CHECK(split("Holtenauer Straße 112") == "Holtenauer Straße|112|-");
  CHECK(split("Fleischhauerstraße 45a") == "Fleischhauerstraße|45|a");
  CHECK(split("Am Anger 7 b") == "Am Anger|7|b");
  CHECK(split("Am Markt 3 - 5") == "Am Markt|3|-5");
  CHECK(split("Am Markt 3 / 5") == "Am Markt|3|/5");
  CHECK(split("Straße des 17. Juni 12") == "Straße des 17. Juni|12|-");
  CHECK(split("Weg 9") == "Weg|9|-");
  // The limits of the common case, which checks in place what the general way refuses.
  CHECK(split("Hauptstraße 1234") == "Hauptstraße|1234|-");
  CHECK(split("Hauptstraße 12abcdefghij") == "Hauptstraße|12|abcdefghij");
  for (const char* refused :
       {"Am Sandtorkai", "12", "Hauptstraße 0", "Hauptstraße 12345", "Hauptstraße 12 abcdefghijk",
        "Hauptstraße 12abcdefghijk", "Hauptstraße 012", "Hauptstraße 12_a"}) {
    auto out = translate(refused);
    REQUIRE_FALSE(out.ok());
    CHECK(out.rejection().reason == v1::ADAPTER_FAILED);
    CHECK_MESSAGE(
        out.rejection().detail.find(std::string("\"") + refused +
                                    "\" (neueWohnung) does not split") != std::string::npos,
        out.rejection().detail);
  }
  // The refusal names the dwelling it comes from (taken from the context node, not a parameter).
  std::string doc = kiel;
  doc.replace(doc.find("Fleischhauerstraße 45a"), std::string("Fleischhauerstraße 45a").size(),
              "Am Sandtorkai");
  auto parsed = xml::parseSecure(doc, {});
  REQUIRE(parsed.ok());
  auto out = AdapterSet::translate(*mapping, parsed->get());
  REQUIRE_FALSE(out.ok());
  CHECK_MESSAGE(out.rejection().detail.find(
                    "\"Am Sandtorkai\" (bisherigeWohnung) does not split") != std::string::npos,
                out.rejection().detail);
}

TEST_CASE(
    "meldewesen 1.0 -> 2.0 refuses a wrong root and a person element 1.0 does not have, naming "
    "them") {
  const auto set = shipped();
  const broker::CompiledMapping* mapping =
      set->forReader("020000000000")->find("urn:xoev-de:ozgbus:meldewesen:1.0", "0200");
  REQUIRE(mapping != nullptr);
  const auto refusal = [&](const std::string& doc) {
    auto parsed = xml::parseSecure(doc, {});
    REQUIRE(parsed.ok());
    auto out = AdapterSet::translate(*mapping, parsed->get());
    REQUIRE_FALSE(out.ok());
    CHECK(out.rejection().reason == v1::ADAPTER_FAILED);
    return out.rejection().detail;
  };
  // A root that another template of the stylesheet matches is refused all the same.
  CHECK_MESSAGE(
      refusal(R"(<in:bisherigeWohnung xmlns:in="urn:xoev-de:ozgbus:meldewesen:1.0"/>)")
              .find("root element {urn:xoev-de:ozgbus:meldewesen:1.0}bisherigeWohnung is not "
                    "meldewesen.anmeldung.0200") != std::string::npos,
      "");
  std::string kiel = testing::readFile(
      kSource / "tests/fixtures/messages/meldewesen/1.0/valid-anmeldung-kiel.xml");
  const std::string ort = "<meld:geburtsort>Husum</meld:geburtsort>";
  REQUIRE(kiel.find(ort) != std::string::npos);
  kiel.replace(kiel.find(ort), ort.size(), ort + "<meld:beruf>Lotse</meld:beruf>");
  const std::string detail = refusal(kiel);
  CHECK_MESSAGE(
      detail.find(
          "person/{urn:xoev-de:ozgbus:meldewesen:1.0}beruf is not an element of PersonType") !=
          std::string::npos,
      detail);
}
