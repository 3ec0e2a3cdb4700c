#include "core/xml/secure_parser.h"

#include <doctest/doctest.h>

using ozgbus::xml::parseSecure;

TEST_CASE("parseSecure returns the document") {
  auto doc = parseSecure("<a><b>text</b></a>", {});
  REQUIRE(doc.ok());
  CHECK(std::string(ozgbus::xml::chars(xmlDocGetRootElement(doc->get())->name)) == "a");
}

TEST_CASE("parseSecure names line and column of a well-formedness error") {
  auto doc = parseSecure("<a>\n  <b>\n</a>", {});
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.rejection().reason == ozgbus::v1::XML_MALFORMED);
  CHECK(doc.rejection().detail.find("line 3") != std::string::npos);
}

TEST_CASE("parseSecure refuses non-XML and empty input") {
  CHECK(parseSecure("this is not XML", {}).rejection().reason == ozgbus::v1::XML_MALFORMED);
  CHECK(parseSecure("", {}).rejection().reason == ozgbus::v1::XML_MALFORMED);
}

TEST_CASE("parseSecure refuses external entities without reading them") {
  auto doc = parseSecure(
      "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>",
      {});
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.rejection().reason == ozgbus::v1::XML_HOSTILE);
}

TEST_CASE("parseSecure reads the bytes as UTF-8 whatever encoding the document claims inside") {
  // A declaration the prescan refuses never reaches the parser; one it lets through (ASCII)
  // cannot make the parser decode the bytes as anything but UTF-8.
  auto ascii =
      ozgbus::xml::parseSecure("<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>\xC3\xA4</a>", {});
  REQUIRE(ascii.ok());
  CHECK(ozgbus::xml::textContent(xmlDocGetRootElement(ascii->get())) == "\xC3\xA4");
  auto invalid = ozgbus::xml::parseSecure("<a>\xFF\xFE</a>", {});
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.rejection().reason == ozgbus::v1::XML_MALFORMED);
}
