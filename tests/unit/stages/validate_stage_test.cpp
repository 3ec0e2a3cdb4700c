// ValidateStage alone, with the schemas of xsd/catalog.xml: a valid fixture passes untouched,
// an invalid one is SCHEMA_INVALID naming line and element path, a namespace without a schema
// is SCHEMA_UNKNOWN; and the registry in force when the message arrives is the one used (a
// reload may swap it between two messages).
#include "broker/pipeline/validate_stage.h"

#include <doctest/doctest.h>

#include "core/xml/secure_parser.h"
#include "tests/support/files.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

const std::filesystem::path kSource = OZGBUS_SOURCE_DIR;

std::shared_ptr<const schema::SchemaRegistry> schemasFor(std::vector<std::string> namespaces) {
  auto r = schema::SchemaRegistry::load({{kSource / "xsd/catalog.xml"}, std::move(namespaces)});
  REQUIRE_MESSAGE(r.ok(), r.rejection().detail);
  return *r;
}

const std::vector<std::string> kGewerbe = {"urn:xoev-de:ozgbus:gewerbe:1.0",
                                           "urn:xoev-de:ozgbus:gewerbe:2.0"};

Message parsed(const std::string& bytes) {
  Message m;
  m.raw = std::make_shared<const std::string>(bytes);
  auto doc = xml::parseSecure(bytes, {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  return m;
}

Message fixture(const std::string& rel) {
  return parsed(testing::readFile(kSource / "tests/fixtures/messages" / rel));
}

}  // namespace

TEST_CASE("validate stage passes a valid document and leaves the message as it was") {
  schema::CurrentRegistry schemas(schemasFor(kGewerbe));
  ValidateStage stage(schemas);
  CHECK(stage.name() == "validate");
  CHECK(stage.traceEvent() == "validated");
  for (const char* rel :
       {"gewerbe/1.0/valid-anmeldung-hamburg.xml", "gewerbe/2.0/valid-anmeldung-muenchen.xml"}) {
    CAPTURE(rel);
    Message m = fixture(rel);
    const xmlDoc* before = m.doc.get();
    const auto r = stage.process(m);
    CHECK_MESSAGE(!r, (r ? r->toString() : ""));
    CHECK(m.doc.get() == before);
    CHECK_FALSE(m.translated);
    CHECK(m.note.empty());
  }
}

TEST_CASE(
    "validate stage refuses an invalid document as SCHEMA_INVALID naming line and element path") {
  schema::CurrentRegistry schemas(schemasFor(kGewerbe));
  ValidateStage stage(schemas);
  Message m = fixture("gewerbe/1.0/invalid-missing-rechtsform.xml");
  auto r = stage.process(m);
  REQUIRE(r);
  CHECK(r->reason == v1::SCHEMA_INVALID);
  CHECK(r->detail.rfind(
            "line 68, /gew:gewerbe.anmeldung.0100/gew:anmeldung/gew:betrieb/gew:betriebsstaette: ",
            0) == 0);
  CHECK(r->detail.find("rechtsform") != std::string::npos);

  Message no_wz = fixture("gewerbe/2.0/invalid-missing-wirtschaftszweig.xml");
  auto missing = stage.process(no_wz);
  REQUIRE(missing);
  CHECK(missing->reason == v1::SCHEMA_INVALID);
  CHECK(missing->detail.find("wirtschaftszweig") != std::string::npos);
}

TEST_CASE(
    "validate stage refuses a namespace without a schema as SCHEMA_UNKNOWN listing the registered "
    "ones") {
  schema::CurrentRegistry schemas(schemasFor(kGewerbe));
  ValidateStage stage(schemas);
  Message m = parsed(R"(<x:antrag xmlns:x="urn:unknown"/>)");
  auto r = stage.process(m);
  REQUIRE(r);
  CHECK(r->reason == v1::SCHEMA_UNKNOWN);
  CHECK(r->detail.rfind(
            "no schema registered for namespace 'urn:unknown' of <antrag> (registered: ", 0) == 0);
  CHECK(r->detail.find("urn:xoev-de:ozgbus:gewerbe:2.0") != std::string::npos);
}

TEST_CASE("validate stage uses the schema registry in force when each message arrives") {
  schema::CurrentRegistry schemas(schemasFor(kGewerbe));
  ValidateStage stage(schemas);
  Message first = fixture("gewerbe/1.0/valid-anmeldung-hamburg.xml");
  CHECK_FALSE(stage.process(first));
  // A reload that drops Gewerbe 1.0: the same document is no longer known.
  schemas.replace(schemasFor({"urn:xoev-de:ozgbus:gewerbe:2.0"}));
  Message second = fixture("gewerbe/1.0/valid-anmeldung-hamburg.xml");
  auto r = stage.process(second);
  REQUIRE(r);
  CHECK(r->reason == v1::SCHEMA_UNKNOWN);
  CHECK(r->detail.find("'urn:xoev-de:ozgbus:gewerbe:1.0'") != std::string::npos);
  CHECK(r->detail.find("(registered: urn:xoev-de:ozgbus:gewerbe:2.0)") != std::string::npos);
}
