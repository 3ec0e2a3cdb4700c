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
