#include "core/xml/prescan.h"

#include <doctest/doctest.h>

#include <string>

using ozgbus::xml::prescan;
using ozgbus::xml::XmlLimits;

TEST_CASE("prescan passes an ordinary document") {
  CHECK_FALSE(
      prescan(R"(<?xml version="1.0"?><a x="1"><!-- c <b> --><b/><![CDATA[<c>]]></a>)", {}));
}

TEST_CASE("prescan refuses a DOCTYPE before parsing, naming the line") {
  const std::string bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"xxxxxxxx\"><!ENTITY y "
      "\"&x;&x;&x;\">]>\n<a>&y;</a>";
  auto r = prescan(bomb, {});
  REQUIRE(r);
  CHECK(r->reason == ozgbus::v1::XML_HOSTILE);
  CHECK(r->detail.find("line 2") != std::string::npos);
  CHECK(r->detail.find("DOCTYPE") != std::string::npos);
}

TEST_CASE("prescan caps the attributes of one element") {
  std::string doc = "<a";
  for (int i = 0; i < 20000; ++i) doc += " a" + std::to_string(i) + "=\"v\"";
  doc += "/>";
  auto r = prescan(doc, {});
  REQUIRE(r);
  CHECK(r->reason == ozgbus::v1::XML_HOSTILE);
  CHECK(r->detail.find("more than 256 attributes") != std::string::npos);
}

TEST_CASE("prescan caps depth; self-closing and closed elements do not count") {
  XmlLimits limits;
  limits.max_depth = 3;
  CHECK_FALSE(prescan("<a><b><c/><c></c></b><b><c/></b></a>", limits));
  auto r = prescan("<a><b><c><d/></c></b></a>", limits);
  CHECK_FALSE(r);  // <d/> is self-closing: depth 3
  r = prescan("<a><b><c><d></d></c></b></a>", limits);
  REQUIRE(r);
  CHECK(r->detail.find("deeper than 3") != std::string::npos);
}

TEST_CASE("prescan: quoted '>' and '=' inside attribute values are not markup") {
  XmlLimits limits;
  limits.max_attributes = 1;
  CHECK_FALSE(prescan(R"(<a href="x=y>z"/>)", limits));
}

TEST_CASE("prescan refuses oversize documents with TOO_LARGE") {
  XmlLimits limits;
  limits.max_bytes = 10;
  auto r = prescan("<a>0123456789</a>", limits);
  REQUIRE(r);
  CHECK(r->reason == ozgbus::v1::TOO_LARGE);
}

TEST_CASE("prescan caps the element count") {
  XmlLimits limits;
  limits.max_elements = 3;
  auto r = prescan("<a><b/><b/><b/></a>", limits);
  REQUIRE(r);
  CHECK(r->detail.find("more than 3 elements") != std::string::npos);
}

TEST_CASE("only UTF-8 is scanned and parsed: other encodings are refused before anything else") {
  const XmlLimits limits;
  const auto refused = [&](std::string_view doc) {
    auto r = prescan(doc, limits);
    REQUIRE(r);
    CHECK(r->reason == ozgbus::v1::ENCODING_UNSUPPORTED);
    return r->detail;
  };
  // "<?xml" in IBM037: no '<' byte at all, so no limit would ever count anything.
  CHECK(refused(std::string("\x4C\x6F\xA7\x94\x93\x40", 6)).find("EBCDIC") != std::string::npos);
  CHECK(refused(std::string("\xFF\xFE<\0?\0x\0", 8)).find("UTF-16 or UTF-32 byte-order mark") !=
        std::string::npos);
  CHECK(refused(std::string("<\0?\0x\0m\0", 8)).find("not in an ASCII-compatible encoding") !=
        std::string::npos);
  CHECK(refused("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>")
            .find("names encoding 'ISO-8859-1'") != std::string::npos);
  CHECK(refused("<?xml version='1.0' encoding='IBM037'?><a/>").find("'IBM037'") !=
        std::string::npos);
  // UTF-8 in its spellings, with or without its byte-order mark, and ASCII, pass.
  CHECK_FALSE(prescan("<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>", limits));
  CHECK_FALSE(prescan("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>", limits));
  CHECK_FALSE(prescan("<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a/>", limits));
  CHECK_FALSE(prescan("<a/>", limits));
}
