#include "core/schema/schema_registry.h"
#include "tests/support/files.h"
#include "tests/support/listener.h"

#include <doctest/doctest.h>

#include "core/xml/secure_parser.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = OZGBUS_SOURCE_DIR;
const fs::path kXWasser = kSource / "tests/fixtures/real-world/xwasser-1.0.0";
const std::string kXWasserNs = "https://gitlab.opencode.de/akdb/xoev/xwasser/-/raw/main/V1_0_0";

const std::vector<std::string> kOurNamespaces = {
    "urn:xoev-de:ozgbus:gewerbe:1.0",        "urn:xoev-de:ozgbus:gewerbe:2.0",
    "urn:xoev-de:ozgbus:meldewesen:1.0",     "urn:xoev-de:ozgbus:meldewesen:2.0",
    "urn:xoev-de:ozgbus:bewohnerparken:1.0", "urn:xoev-de:ozgbus:bewohnerparken:2.0",
    "urn:xoev-de:ozgbus:quittung:1.0"};

std::shared_ptr<const schema::SchemaRegistry> ours() {
  static auto registry =
      schema::SchemaRegistry::load({{kSource / "xsd" / "catalog.xml"}, kOurNamespaces});
  REQUIRE(registry.ok());
  return *registry;
}

std::optional<Rejection> validate(const std::shared_ptr<const schema::SchemaRegistry>& r,
                                  const std::string& xml) {
  auto doc = xml::parseSecure(xml, {});
  REQUIRE(doc.ok());
  schema::SchemaValidator v;
  return v.validate(r, doc->get());
}

}  // namespace

TEST_CASE("every fixture validates or fails as its name says") {
  const auto registry = ours();
  int checked = 0;
  for (const auto& e :
       fs::recursive_directory_iterator(kSource / "tests" / "fixtures" / "messages")) {
    if (e.path().extension() != ".xml") continue;
    const std::string name = e.path().filename().string();
    CAPTURE(e.path().string());
    auto result = validate(registry, testing::readFile(e.path()));
    if (name.rfind("valid-", 0) == 0) {
      CHECK_FALSE(result);
    } else if (name.rfind("invalid-", 0) == 0) {
      REQUIRE(result);
      CHECK((result->reason == v1::SCHEMA_INVALID || result->reason == v1::SCHEMA_UNKNOWN));
      CHECK(result->detail.find("line ") != std::string::npos);
    }
    ++checked;
  }
  CHECK(checked >= 30);
}

TEST_CASE("SCHEMA_INVALID names line, element path and message") {
  auto r = validate(
      ours(),
      testing::readFile(
          kSource / "tests/fixtures/messages/gewerbe/2.0/invalid-missing-wirtschaftszweig.xml"));
  REQUIRE(r);
  CHECK(r->reason == v1::SCHEMA_INVALID);
  CHECK(r->detail.find("line ") == 0);
  CHECK(r->detail.find("/gew:gewerbe.anmeldung.0100/") != std::string::npos);
}

TEST_CASE("an unregistered namespace is SCHEMA_UNKNOWN, listing what is registered") {
  auto r = validate(ours(), R"(<x:antrag xmlns:x="urn:unknown"/>)");
  REQUIRE(r);
  CHECK(r->reason == v1::SCHEMA_UNKNOWN);
  CHECK(r->detail.find("urn:unknown") != std::string::npos);
  CHECK(r->detail.find("urn:xoev-de:ozgbus:gewerbe:1.0") != std::string::npos);
}

TEST_CASE("xsi:schemaLocation is never followed: not to the network, not to a local file") {
  testing::Listener listener;
  testing::TempDir dir;
  // A permissive schema outside xsd/: if it were used, the invalid document would pass.
  std::ofstream(dir.path() / "anything.xsd")
      << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:xoev-de:ozgbus:gewerbe:1.0">)"
      << R"(<xs:element name="gewerbe.anmeldung.0100"><xs:complexType><xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence><xs:anyAttribute processContents="skip"/></xs:complexType></xs:element></xs:schema>)";
  std::string doc = testing::readFile(
      kSource / "tests/fixtures/messages/gewerbe/1.0/invalid-missing-rechtsform.xml");
  const std::string hint =
      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"urn:xoev-de:ozgbus:gewerbe:1.0 http://127.0.0.1:" +
      std::to_string(listener.port()) + "/evil.xsd urn:xoev-de:ozgbus:gewerbe:1.0 file://" +
      (dir.path() / "anything.xsd").string() + "\"";
  doc.insert(doc.find("xmlns:gew="), hint + " ");
  auto r = validate(ours(), doc);
  REQUIRE(r);
  CHECK(r->reason == v1::SCHEMA_INVALID);
  CHECK_FALSE(listener.contacted());

  auto network = testing::readFile(
      kSource / "tests/fixtures/messages/gewerbe/1.0/valid-schemalocation-network.xml");
  CHECK_FALSE(validate(ours(), network));
}

TEST_CASE("XWasser 1.0.0: four real samples validate, the two monitoring plans do not") {
  auto registry = schema::SchemaRegistry::load({{kXWasser / "catalog.xml"}, {kXWasserNs}});
  REQUIRE_MESSAGE(registry.ok(), registry.rejection().detail);
  for (const char* ok : {"administration_receipt.xml", "olb_report_minimal.xml",
                         "quality_report_minimal.xml", "quality_report_maximal.xml"}) {
    CAPTURE(ok);
    CHECK_FALSE(validate(*registry, testing::readFile(kXWasser / "messages" / ok)));
  }
  auto order =
      validate(*registry, testing::readFile(kXWasser / "messages/monitoring_plan_minimal.xml"));
  REQUIRE(order);
  CHECK(order->reason == v1::SCHEMA_INVALID);
  auto fixed =
      validate(*registry, testing::readFile(kXWasser / "messages/monitoring_plan_maximal.xml"));
  REQUIRE(fixed);
  CHECK(fixed->reason == v1::SCHEMA_INVALID);
  const std::string both = order->detail + " | " + fixed->detail;
  CHECK(both.find("This element is not expected") != std::string::npos);
  CHECK(both.find("fixed value") != std::string::npos);
  CHECK(order->detail.find("line ") == 0);
  CHECK(order->detail.find("/xwas:") != std::string::npos);
}

TEST_CASE(
    "a base schema missing from the catalog fails the load, naming the URL; nothing is fetched") {
  testing::TempDir dir;
  std::string catalog = testing::readFile(kXWasser / "catalog.xml");
  const auto entry =
      catalog.find("<system systemId=\"http://xoev.de/schemata/code/1_0/xoev-code.xsd\"");
  REQUIRE(entry != std::string::npos);
  catalog.erase(entry, catalog.find("/>", entry) + 2 - entry);
  // The copy lives in a temporary folder: its paths must name the vendored files absolutely.
  for (std::size_t at = 0; (at = catalog.find(" uri=\"", at)) != std::string::npos;) {
    at += 6;
    catalog.insert(at, kXWasser.string() + "/");
  }
  const fs::path broken = dir.path() / "catalog.xml";
  std::ofstream(broken) << catalog;
  const auto before = schema::SchemaRegistry::compilations();
  auto registry = schema::SchemaRegistry::load({{broken}, {kXWasserNs}});
  REQUIRE_FALSE(registry.ok());
  CHECK(registry.rejection().detail.find(
            "unresolved: http://xoev.de/schemata/code/1_0/xoev-code.xsd") != std::string::npos);
  CHECK(schema::SchemaRegistry::compilations() == before + 1);
}

TEST_CASE("a schema set with a broken import fails, naming the file") {
  testing::TempDir dir;
  std::ofstream(dir.path() / "catalog.xml")
      << R"(<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:t" uri="t.xsd"/></catalog>)";
  std::ofstream(dir.path() / "t.xsd")
      << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns:t="urn:t">)"
      << R"(<xs:include schemaLocation="missing-part.xsd"/><xs:element name="a" type="t:Undefined"/></xs:schema>)";
  auto registry = schema::SchemaRegistry::load({{dir.path() / "catalog.xml"}, {"urn:t"}});
  REQUIRE_FALSE(registry.ok());
  CHECK(registry.rejection().detail.find("missing-part.xsd") != std::string::npos);
  CHECK(registry.rejection().detail.find("t.xsd") != std::string::npos);
}

TEST_CASE("validating many messages compiles nothing") {
  const auto registry = ours();
  const auto before = schema::SchemaRegistry::compilations();
  const std::string doc = testing::readFile(
      kSource / "tests/fixtures/messages/gewerbe/1.0/valid-anmeldung-hamburg.xml");
  schema::SchemaValidator v;
  for (int i = 0; i < 50; ++i) {
    auto parsed = xml::parseSecure(doc, {});
    CHECK_FALSE(v.validate(registry, parsed->get()));
  }
  CHECK(schema::SchemaRegistry::compilations() == before);
}

namespace {
// catalog/ maps urn:t to catalog/schemas/t.xsd, which includes `part` (relative to schemas/).
Result<std::shared_ptr<const schema::SchemaRegistry>> withInclude(const fs::path& root,
                                                                  const std::string& part) {
  fs::create_directories(root / "catalog/schemas");
  fs::create_directories(root / "catalog/common");
  fs::create_directories(root / "elsewhere");
  std::ofstream(root / "catalog/catalog.xml")
      << R"(<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:t" uri="schemas/t.xsd"/></catalog>)";
  std::ofstream(root / "catalog/schemas/t.xsd")
      << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns:t="urn:t">)"
      << R"(<xs:include schemaLocation=")" << part
      << R"("/><xs:element name="a" type="t:Part"/></xs:schema>)";
  for (const fs::path& at : {root / "catalog/common/part.xsd", root / "elsewhere/part.xsd"}) {
    std::ofstream(at)
        << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">)"
        << R"(<xs:simpleType name="Part"><xs:restriction base="xs:string"/></xs:simpleType></xs:schema>)";
  }
  return schema::SchemaRegistry::load({{root / "catalog/catalog.xml"}, {"urn:t"}});
}
}  // namespace

TEST_CASE("a relative import may climb above the mapped schema's folder, not above the catalog's") {
  testing::TempDir dir;
  auto inside = withInclude(dir.path() / "one", "../common/part.xsd");
  CHECK_MESSAGE(inside.ok(), inside.rejection().detail);

  auto outside = withInclude(dir.path() / "two", "../../elsewhere/part.xsd");
  REQUIRE_FALSE(outside.ok());
  const std::string& detail = outside.rejection().detail;
  CHECK(detail.find("elsewhere/part.xsd") != std::string::npos);
  CHECK(detail.find("outside the folders the catalogs map") != std::string::npos);
  CHECK(detail.find(fs::weakly_canonical(dir.path() / "two/catalog").string() + "/") !=
        std::string::npos);
  CHECK(detail.find("never fetched") == std::string::npos);
}
