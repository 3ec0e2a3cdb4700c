#include "core/xoev/header_mapping.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"

using namespace ozgbus;

namespace {

const std::string kWhere = "test.toml [[headers]] #1";

// A nachrichtenkopf.g2g document, as in header_test.cpp, with the UUID in upper case.
const char* kG2g = R"(<m:n xmlns:m="urn:x"><nachrichtenkopf.g2g>
  <identifikation.nachricht><nachrichtenUUID>693C64D6-456F-4D14-ABE7-FE9681C74AAE</nachrichtenUUID>
  <nachrichtentyp><code>2010</code></nachrichtentyp><erstellungszeitpunkt>2024-05-28T09:00:00</erstellungszeitpunkt>
  </identifikation.nachricht>
  <leser><kennung>psw:11113110</kennung></leser><autor><kennung>psw:01003110</kennung></autor>
</nachrichtenkopf.g2g></m:n>)";

// A standard with its own header shape: the author is an attribute, the code unqualified.
const char* kOwn = R"(<a:antrag.0301 xmlns:a="urn:example:a" xmlns:k="urn:example:k">
  <k:Kopf>
    <k:ProzessID>P-2026-000123</k:ProzessID>
    <k:Nachrichtentyp><code>0301</code></k:Nachrichtentyp>
    <k:Erstellt>2026-03-01T10:00:00</k:Erstellt>
    <k:Absender kennung="psw:01003110"/>
    <k:Empfaenger>ars:020000000000</k:Empfaenger>
  </k:Kopf>
  <a:Antrag>Inhalt</a:Antrag>
</a:antrag.0301>)";

const std::string kReaderElement = "<k:Empfaenger>ars:020000000000</k:Empfaenger>";

xoev::HeaderMapping ownMapping() {
  xoev::HeaderMapping m;
  m.where = kWhere;
  m.namespaces = {"urn:example:a"};
  m.prefixes = {{"k", "urn:example:k"}};
  m.message_id = "/*/k:Kopf/k:ProzessID";
  m.message_type = "/*/k:Kopf/k:Nachrichtentyp/code";
  m.created = "/*/k:Kopf/k:Erstellt";
  m.author = "/*/k:Kopf/k:Absender/@kennung";
  m.reader = "/*/k:Kopf/k:Empfaenger";
  m.service = "/*/k:Kopf/k:Dienst";
  m.id_format = xoev::IdFormat::kAny;
  m.type_from_root = true;
  return m;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// text with its first `from` replaced by `to`; `from` must be there.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

xoev::HeaderReader compiled(const xoev::HeaderMappings& mappings) {
  auto reader = xoev::HeaderReader::compile(mappings);
  REQUIRE_MESSAGE(reader.ok(), reader.rejection().toString());
  return std::move(*reader);
}

Rejection compileError(const xoev::HeaderMappings& mappings) {
  auto reader = xoev::HeaderReader::compile(mappings);
  REQUIRE_FALSE(reader.ok());
  return reader.rejection();
}

Result<xoev::Header> readWith(const xoev::HeaderReader& reader, const std::string& xml) {
  auto doc = xml::parseSecure(xml, {});
  REQUIRE(doc.ok());
  return reader.read(doc->get());
}

Result<xoev::Header> readOwn(const std::string& xml) {
  return readWith(compiled({ownMapping()}), xml);
}

// The rejection of reading xml with the own mapping, which must fail with `reason`.
Rejection ownRejection(const std::string& xml, ReasonCode reason) {
  auto h = readOwn(xml);
  REQUIRE_FALSE(h.ok());
  CHECK(h.rejection().reason == reason);
  return h.rejection();
}

}  // namespace

TEST_CASE("header mapping: the default HeaderReader reads nachrichtenkopf.g2g like readHeader") {
  const xoev::HeaderReader reader{};
  auto h = readWith(reader, kG2g);
  REQUIRE_MESSAGE(h.ok(), h.rejection().toString());
  CHECK(h->message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  CHECK(h->message_type == "2010");
  CHECK(h->created == "2024-05-28T09:00:00");
  CHECK(h->reader == "psw:11113110");
  CHECK(h->author == "psw:01003110");
  CHECK(h->service.empty());
  CHECK(h->namespace_uri == "urn:x");
  CHECK(h->root_name == "n");

  auto doc = xml::parseSecure(kG2g, {});
  REQUIRE(doc.ok());
  auto direct = xoev::readHeader(doc->get());
  REQUIRE(direct.ok());
  CHECK(direct->message_uuid == h->message_uuid);
  CHECK(direct->message_type == h->message_type);
  CHECK(direct->created == h->created);
  CHECK(direct->reader == h->reader);
  CHECK(direct->author == h->author);
  CHECK(direct->namespace_uri == h->namespace_uri);
  CHECK(direct->root_name == h->root_name);

  auto none = readWith(reader, "<a><b/></a>");
  REQUIRE_FALSE(none.ok());
  CHECK(none.rejection().reason == v1::HEADER_MISSING);
  CHECK(has(none.rejection().detail, "nachrichtenkopf.g2g"));

  // No mappings at all: the same built-in reader.
  auto empty = readWith(compiled({}), kG2g);
  REQUIRE(empty.ok());
  CHECK(empty->message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
}

TEST_CASE(
    "header mapping: an own header shape is read and other namespaces go to the built-in reader") {
  CHECK(xoev::HeaderMapping{}.builtinShape());
  CHECK_FALSE(ownMapping().builtinShape());

  const xoev::HeaderReader reader = compiled({ownMapping()});
  auto h = readWith(reader, kOwn);
  REQUIRE_MESSAGE(h.ok(), h.rejection().toString());
  CHECK(h->message_uuid == "P-2026-000123");
  CHECK(h->message_type == "0301");
  CHECK(h->created == "2026-03-01T10:00:00");
  CHECK(h->author == "psw:01003110");
  CHECK(h->reader == "ars:020000000000");
  CHECK(h->service.empty());
  CHECK(h->root_name == "antrag.0301");
  CHECK(h->namespace_uri == "urn:example:a");

  // Another namespace: the built-in reader, which finds no nachrichtenkopf.g2g here.
  auto other = readWith(reader, R"(<b:x xmlns:b="urn:other"><b:y/></b:x>)");
  REQUIRE_FALSE(other.ok());
  CHECK(other.rejection().reason == v1::HEADER_MISSING);
  CHECK(has(other.rejection().detail, "nachrichtenkopf.g2g"));

  // ... and reads a g2g document in its namespace.
  auto g2g = readWith(reader, kG2g);
  REQUIRE_MESSAGE(g2g.ok(), g2g.rejection().toString());
  CHECK(g2g->message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  CHECK(g2g->namespace_uri == "urn:x");
}

TEST_CASE("header mapping: a field selecting no node or two nodes or an empty node is named") {
  SUBCASE("no node") {
    const auto r = ownRejection(replaced(kOwn, kReaderElement, ""), v1::HEADER_INVALID);
    INFO(r.detail);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "reader"));
    CHECK(has(r.detail, "/*/k:Kopf/k:Empfaenger"));
    CHECK(has(r.detail, "selects 0 nodes"));
  }
  SUBCASE("two nodes") {
    const auto r = ownRejection(replaced(kOwn, kReaderElement, kReaderElement + kReaderElement),
                                v1::HEADER_INVALID);
    INFO(r.detail);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "reader"));
    CHECK(has(r.detail, "/*/k:Kopf/k:Empfaenger"));
    CHECK(has(r.detail, "selects 2 nodes"));
  }
  SUBCASE("an empty node") {
    const auto r = ownRejection(replaced(kOwn, kReaderElement, "<k:Empfaenger>  </k:Empfaenger>"),
                                v1::HEADER_INVALID);
    INFO(r.detail);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "reader"));
    CHECK(has(r.detail, "/*/k:Kopf/k:Empfaenger"));
    CHECK(has(r.detail, "empty node"));
  }
  SUBCASE("an empty attribute") {
    const auto r = ownRejection(replaced(kOwn, "kennung=\"psw:01003110\"", "kennung=\"\""),
                                v1::HEADER_INVALID);
    INFO(r.detail);
    CHECK(has(r.detail, "author"));
    CHECK(has(r.detail, "/*/k:Kopf/k:Absender/@kennung"));
    CHECK(has(r.detail, "empty node"));
  }
}

TEST_CASE("header mapping: a document with none of the fields has no header") {
  const auto r = ownRejection(
      R"(<a:antrag.0301 xmlns:a="urn:example:a"><a:Antrag>Inhalt</a:Antrag></a:antrag.0301>)",
      v1::HEADER_MISSING);
  INFO(r.detail);
  CHECK(has(r.detail, kWhere));
  CHECK(has(r.detail, "antrag.0301"));
}

TEST_CASE("header mapping: message ids are checked against id_format and max_id_length") {
  const std::string id = "P-2026-000123";
  SUBCASE("a space is not a message id character") {
    const auto r = ownRejection(replaced(kOwn, id, "P 2026"), v1::HEADER_INVALID);
    INFO(r.detail);
    CHECK(has(r.detail, kWhere + " message_id"));
    CHECK(has(r.detail, "is not a message id"));
  }
  SUBCASE("longer than max_id_length") {
    xoev::HeaderMapping m = ownMapping();
    m.max_id_length = id.size() - 1;
    auto h = readWith(compiled({m}), kOwn);
    REQUIRE_FALSE(h.ok());
    CHECK(h.rejection().reason == v1::HEADER_INVALID);
    INFO(h.rejection().detail);
    CHECK(has(h.rejection().detail, kWhere + " message_id"));
    CHECK(has(h.rejection().detail, "at most"));
    CHECK(has(h.rejection().detail, std::to_string(id.size() - 1) + " characters"));

    m.max_id_length = id.size();
    auto fits = readWith(compiled({m}), kOwn);
    REQUIRE_MESSAGE(fits.ok(), fits.rejection().toString());
    CHECK(fits->message_uuid == id);
  }
  SUBCASE("kUuid refuses an id that is not a UUID") {
    xoev::HeaderMapping m = ownMapping();
    m.id_format = xoev::IdFormat::kUuid;
    auto h = readWith(compiled({m}), kOwn);
    REQUIRE_FALSE(h.ok());
    CHECK(h.rejection().reason == v1::HEADER_INVALID);
    INFO(h.rejection().detail);
    CHECK(has(h.rejection().detail, kWhere + " message_id"));
    CHECK(has(h.rejection().detail, "is not a UUID"));
  }
  SUBCASE("kUuid puts an upper-case UUID in lower case") {
    xoev::HeaderMapping m = ownMapping();
    m.id_format = xoev::IdFormat::kUuid;
    auto h = readWith(compiled({m}), replaced(kOwn, id, "693C64D6-456F-4D14-ABE7-FE9681C74AAE"));
    REQUIRE_MESSAGE(h.ok(), h.rejection().toString());
    CHECK(h->message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  }
  SUBCASE("kAny keeps the id as it is") {
    auto h = readOwn(replaced(kOwn, id, "Az.2026_07:x@Amt-1"));
    REQUIRE_MESSAGE(h.ok(), h.rejection().toString());
    CHECK(h->message_uuid == "Az.2026_07:x@Amt-1");
  }
}

TEST_CASE("header mapping: type_from_root compares the message type with the root element") {
  const auto r =
      ownRejection(replaced(kOwn, "<code>0301</code>", "<code>0302</code>"), v1::HEADER_INVALID);
  INFO(r.detail);
  CHECK(has(r.detail, "0302"));
  CHECK(has(r.detail, "does not match the root element"));
  CHECK(has(r.detail, "antrag.0301"));
  CHECK(has(r.detail, kWhere));

  xoev::HeaderMapping m = ownMapping();
  m.type_from_root = false;
  auto h = readWith(compiled({m}), replaced(kOwn, "<code>0301</code>", "<code>0302</code>"));
  REQUIRE_MESSAGE(h.ok(), h.rejection().toString());
  CHECK(h->message_type == "0302");
}

TEST_CASE("header mapping: the optional service may be absent or present") {
  auto absent = readOwn(kOwn);
  REQUIRE_MESSAGE(absent.ok(), absent.rejection().toString());
  CHECK(absent->service.empty());

  auto present =
      readOwn(replaced(kOwn, "</k:Kopf>", "<k:Dienst> 99050012104000 </k:Dienst></k:Kopf>"));
  REQUIRE_MESSAGE(present.ok(), present.rejection().toString());
  CHECK(present->service == "99050012104000");

  // Optional is not "any number": two services are refused.
  const auto twice = ownRejection(
      replaced(kOwn, "</k:Kopf>", "<k:Dienst>1</k:Dienst><k:Dienst>2</k:Dienst></k:Kopf>"),
      v1::HEADER_INVALID);
  CHECK(has(twice.detail, "service"));
  CHECK(has(twice.detail, "selects 2 nodes"));
}

TEST_CASE(
    "header mapping: compile names the mapping and key of a broken expression or unknown prefix") {
  SUBCASE("not XPath 1.0") {
    xoev::HeaderMapping m = ownMapping();
    m.reader = "/*/k:Kopf[";
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "reader"));
    CHECK(has(r.detail, "/*/k:Kopf["));
    CHECK(has(r.detail, "is not XPath 1.0"));
  }
  SUBCASE("an unknown prefix") {
    xoev::HeaderMapping m = ownMapping();
    m.author = "/*/q:Kopf";
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "author"));
    CHECK(has(r.detail, "/*/q:Kopf"));
  }
  SUBCASE("a prefix known in the document but not in prefixes") {
    xoev::HeaderMapping m = ownMapping();
    m.prefixes.clear();
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "message_id"));
  }
}

TEST_CASE("header mapping: compile refuses an expression that computes a value") {
  SUBCASE("a number") {
    xoev::HeaderMapping m = ownMapping();
    m.message_type = "count(/*)";
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "message_type"));
    CHECK(has(r.detail, "count(/*)"));
    CHECK(has(r.detail, "must select a node"));
  }
  SUBCASE("a string") {
    xoev::HeaderMapping m = ownMapping();
    m.created = "string(/*)";
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "created"));
    CHECK(has(r.detail, "must select a node"));
  }
}

TEST_CASE("header mapping: compile refuses missing expressions and a namespace served twice") {
  SUBCASE("some but not all required expressions") {
    xoev::HeaderMapping m = ownMapping();
    m.created.clear();
    m.author.clear();
    m.reader.clear();
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "created is missing"));
  }
  SUBCASE("only the optional service") {
    xoev::HeaderMapping m;
    m.where = kWhere;
    m.namespaces = {"urn:example:a"};
    m.service = "/*/Dienst";
    CHECK_FALSE(m.builtinShape());
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, "message_id is missing"));
  }
  SUBCASE("a namespace served by two mappings") {
    xoev::HeaderMapping second = ownMapping();
    second.where = "test.toml [[headers]] #2";
    const auto r = compileError({ownMapping(), second});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, "test.toml [[headers]] #2"));
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "urn:example:a"));
    CHECK(has(r.detail, "already"));
  }
  SUBCASE("no namespaces") {
    xoev::HeaderMapping m = ownMapping();
    m.namespaces.clear();
    const auto r = compileError({m});
    INFO(r.detail);
    CHECK(r.reason == v1::REASON_UNSPECIFIED);
    CHECK(has(r.detail, kWhere));
    CHECK(has(r.detail, "namespaces"));
  }
  SUBCASE("two mappings for different namespaces compile") {
    xoev::HeaderMapping second = ownMapping();
    second.where = "test.toml [[headers]] #2";
    second.namespaces = {"urn:example:b"};
    CHECK(xoev::HeaderReader::compile({ownMapping(), second}).ok());
  }
}

TEST_CASE("header mapping: a mapping without expressions keeps the g2g shape with type_from_root") {
  xoev::HeaderMapping m;
  m.where = kWhere;
  m.namespaces = {"urn:x"};
  m.type_from_root = true;
  REQUIRE(m.builtinShape());
  const xoev::HeaderReader reader = compiled({m});

  // The root <n> carries no ".2010".
  auto bad = readWith(reader, kG2g);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.rejection().reason == v1::HEADER_INVALID);
  INFO(bad.rejection().detail);
  CHECK(has(bad.rejection().detail, "does not match the root element"));
  CHECK(has(bad.rejection().detail, kWhere));

  const std::string named =
      replaced(replaced(kG2g, "<m:n ", "<m:nachricht.2010 "), "</m:n>", "</m:nachricht.2010>");
  auto good = readWith(reader, named);
  REQUIRE_MESSAGE(good.ok(), good.rejection().toString());
  CHECK(good->message_type == "2010");
  CHECK(good->root_name == "nachricht.2010");
  CHECK(good->message_uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  CHECK(good->reader == "psw:11113110");

  // Without a header it is still HEADER_MISSING, as with the built-in reader.
  auto none = readWith(reader, R"(<m:nachricht.2010 xmlns:m="urn:x"/>)");
  REQUIRE_FALSE(none.ok());
  CHECK(none.rejection().reason == v1::HEADER_MISSING);

  // id_format applies to the g2g shape as well.
  xoev::HeaderMapping any = m;
  any.type_from_root = false;
  any.id_format = xoev::IdFormat::kAny;
  auto kept = readWith(compiled({any}),
                       replaced(kG2g, "693C64D6-456F-4D14-ABE7-FE9681C74AAE", "Vorgang-42"));
  REQUIRE_MESSAGE(kept.ok(), kept.rejection().toString());
  CHECK(kept->message_uuid == "Vorgang-42");
}
