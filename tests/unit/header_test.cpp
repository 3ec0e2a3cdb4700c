#include "core/xoev/header.h"

#include <doctest/doctest.h>

#include "core/xml/secure_parser.h"
#include "tests/support/files.h"

using namespace ozgbus;

namespace {

std::string fixture(const std::string& rel) {
  return testing::readFile(std::string(OZGBUS_SOURCE_DIR) + "/tests/fixtures/messages/" + rel);
}

Result<xoev::Header> headerOf(const std::string& xml) {
  auto doc = xml::parseSecure(xml, {});
  REQUIRE(doc.ok());
  return xoev::readHeader(doc->get());
}

const char* kMinimal = R"(<m:n xmlns:m="urn:x"><nachrichtenkopf.g2g>
  <identifikation.nachricht><nachrichtenUUID>693c64d6-456f-4d14-abe7-fe9681c74aae</nachrichtenUUID>
  <nachrichtentyp><code>2010</code></nachrichtentyp><erstellungszeitpunkt>2024-05-28T09:00:00</erstellungszeitpunkt>
  </identifikation.nachricht>
  <leser><kennung>psw:11113110</kennung></leser><autor><kennung>psw:01003110</kennung></autor>
</nachrichtenkopf.g2g></m:n>)";

}  // namespace

TEST_CASE("readHeader reads every field of a fixture") {
  auto h = headerOf(fixture("gewerbe/1.0/valid-anmeldung-hamburg.xml"));
  REQUIRE(h.ok());
  CHECK(xoev::isUuid(h->message_uuid));
  CHECK(h->message_type == "0100");
  CHECK(h->reader == "ars:020000000000");
  CHECK(h->author == "psw:02000001");
  CHECK(h->service == "99050012104000");
  CHECK(h->namespace_uri == "urn:xoev-de:ozgbus:gewerbe:1.0");
  CHECK(h->root_name == "gewerbe.anmeldung.0100");
}

TEST_CASE("readHeader reads the header of a real XWasser message") {
  const std::string xml = testing::readFile(
      std::string(OZGBUS_SOURCE_DIR) +
      "/tests/fixtures/real-world/xwasser-1.0.0/messages/quality_report_minimal.xml");
  auto h = headerOf(xml);
  REQUIRE(h.ok());
  CHECK(h->message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  CHECK(h->reader == "psw:11113110");
  CHECK(h->author == "psw:01003110");
  CHECK(h->message_type == "2010");
}

TEST_CASE("a comment splitting a value does not change what the bus reads") {
  std::string xml = kMinimal;
  xml.replace(xml.find("psw:11113110"), 12, "psw:111<!-- x -->13110");
  auto h = headerOf(xml);
  REQUIRE(h.ok());
  CHECK(h->reader == "psw:11113110");
}

TEST_CASE("readHeader: missing header and missing fields are named") {
  auto none = headerOf("<a><b/></a>");
  REQUIRE_FALSE(none.ok());
  CHECK(none.rejection().reason == v1::HEADER_MISSING);
  CHECK(none.rejection().detail.find("nachrichtenkopf.g2g") != std::string::npos);

  std::string xml = kMinimal;
  xml.replace(xml.find("<leser>"),
              std::string("<leser><kennung>psw:11113110</kennung></leser>").size(), "");
  auto h = headerOf(xml);
  REQUIRE_FALSE(h.ok());
  CHECK(h.rejection().reason == v1::HEADER_INVALID);
  CHECK(h.rejection().detail.find("leser/kennung missing") != std::string::npos);
}

TEST_CASE("readHeader refuses a malformed UUID") {
  std::string xml = kMinimal;
  xml.replace(xml.find("693c64d6"), 8, "not-uuid");
  auto h = headerOf(xml);
  REQUIRE_FALSE(h.ok());
  CHECK(h.rejection().reason == v1::HEADER_INVALID);
  CHECK(h.rejection().detail.find("is not a UUID") != std::string::npos);
}

TEST_CASE("arsDigits takes the id part of a DVDV kennung when it is all digits") {
  CHECK(xoev::arsDigits("ars:020000000000") == "020000000000");
  CHECK(xoev::arsDigits("psw:01003110") == "01003110");
  CHECK(xoev::arsDigits("bwv:1") == "1");
  CHECK(xoev::arsDigits("hh-gewerbeamt") == "");
  CHECK(xoev::arsDigits("olb:09x") == "");
}
