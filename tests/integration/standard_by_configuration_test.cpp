// A standard whose header is not nachrichtenkopf.g2g, added by configuration alone: its schemas
// through a catalog, its header through [[headers]], a route (docs/standards.md). The standard
// is invented (tests/fixtures/standards/xantrag-3.0): its message id names a process that
// several message types share.
#include <doctest/doctest.h>

#include <set>

#include "tests/support/broker_process.h"
#include "tests/support/files.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;
namespace fs = std::filesystem;

namespace {

const fs::path kXAntrag = fs::path(OZGBUS_SOURCE_DIR) / "tests/fixtures/standards/xantrag-3.0";
const std::string kProcess = "P-2026-000123";

std::string headerMapping(const std::string& message_id = "/*/k:Kopf/k:ProzessID") {
  return "[[headers]]\n"
         "namespaces = [\"urn:example:ozgbus:xantrag:3.0\"]\n"
         "prefixes = { k = \"urn:example:ozgbus:kopf:1.0\" }\n"
         "message_id = \"" +
         message_id +
         "\"\n"
         "message_type = \"/*/k:Kopf/k:Nachrichtentyp/code\"\n"
         "created = \"/*/k:Kopf/k:Erstellungszeitpunkt\"\n"
         "author = \"/*/k:Kopf/k:Absender/k:Behoerdenkennung/k:Behoerdenschluessel/code\"\n"
         "reader = \"/*/k:Kopf/k:Empfaenger/k:Behoerdenkennung/k:Behoerdenschluessel/code\"\n"
         "id_format = \"any\"\n"
         "type_from_root = true\n";
}

std::string config(const std::string& mapping = headerMapping()) {
  return "[pipeline]\nstages = [\"parse\", \"validate\", \"header\", \"route\", \"persist\"]\n"
         "[schemas]\ncatalogs = [\"" +
         (kXAntrag / "catalog.xml").string() + "\", \"" +
         (fs::path(OZGBUS_SOURCE_DIR) / "xsd/catalog.xml").string() +
         "\"]\nnamespaces = [\"urn:example:ozgbus:xantrag:3.0\", "
         "\"urn:xoev-de:ozgbus:gewerbe:1.0\"]\n" +
         "[[routes]]\nars_prefix = \"03101\"\ndestination = \"bs-bauamt\"\n" + mapping;
}

std::string message(const std::string& file) {
  return testing::readFile(kXAntrag / "messages" / file);
}

}  // namespace

TEST_CASE(
    "a standard with its own header shape is validated, routed and delivered by configuration "
    "alone, two types of one process are two messages") {
  BrokerProcess broker(config());
  broker.start();
  auto portal = broker.connect("psw:03000001", v1::PORTAL);
  for (const char* file : {"antrag.0301.xml", "nachforderung.0302.xml"}) {
    CAPTURE(file);
    auto r = portal->submit(message(file));
    REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
    CHECK_MESSAGE(r->accepted(), reasonName(r->reason()) << ": " << r->detail());
    CHECK_FALSE(r->duplicate());
    CHECK(r->message_uuid() == kProcess);
    CHECK(r->destination() == "bs-bauamt");
  }

  auto backend = broker.connect("bs-bauamt", v1::BACKEND, 8);
  std::set<std::string> types;
  for (int i = 0; i < 2; ++i) {
    auto in = testing::nextOf(*backend, v1::DELIVER);
    REQUIRE(in.has_value());
    const v1::Deliver& d = in->envelope.deliver();
    CHECK(d.message_uuid() == kProcess);
    CHECK(d.author() == "psw:03000001");
    CHECK(d.reader() == "ars:031010000000");
    REQUIRE(in->payloads.size() == 1);
    CHECK(in->payloads[0] ==
          message(d.message_type() == "0301" ? "antrag.0301.xml" : "nachforderung.0302.xml"));
    types.insert(d.message_type());
    backend->ack(d.delivery_id());
  }
  CHECK(types == std::set<std::string>{"0301", "0302"});

  // One receipt per message, told apart by the type.
  std::set<std::string> receipted;
  for (int i = 0; i < 2; ++i) {
    auto in = testing::nextOf(*portal, v1::RECEIPT);
    REQUIRE(in.has_value());
    const v1::Receipt& rc = in->envelope.receipt();
    CHECK(rc.message_uuid() == kProcess);
    CHECK(rc.outcome() == v1::DELIVERED);
    receipted.insert(rc.message_type());
    portal->ackReceipt(rc.receipt_id());
  }
  CHECK(receipted == types);

  // The CLI reads the header with the broker's configuration, as the broker does.
  auto cli = testing::runCommand({OZGBUS_CLI_BIN, "header", "--config",
                                  (broker.dir() / "ozgbus.toml").string(),
                                  (kXAntrag / "messages/nachforderung.0302.xml").string()});
  CHECK_MESSAGE(cli.status == 0, cli.out << cli.err);
  CHECK(cli.out.find("message id    " + kProcess) != std::string::npos);
  CHECK(cli.out.find("message type  0302") != std::string::npos);
  CHECK(cli.out.find("ozgbus.toml [[headers]] #1") != std::string::npos);
  auto validate = testing::runCommand({OZGBUS_CLI_BIN, "validate", "--config",
                                       (broker.dir() / "ozgbus.toml").string(),
                                       (kXAntrag / "messages/antrag.0301.xml").string()});
  CHECK_MESSAGE(validate.status == 0, validate.out << validate.err);
  CHECK(validate.out.find("VALID " + kProcess) != std::string::npos);
}

TEST_CASE(
    "the same process id, type and author: the same bytes are a duplicate, other bytes a "
    "DUPLICATE_CONFLICT, and the first document is the one delivered") {
  BrokerProcess broker(config());
  broker.start();
  auto portal = broker.connect("psw:03000001", v1::PORTAL);
  auto first = portal->submit(message("antrag.0301.xml"));
  REQUIRE_MESSAGE(first.ok(), first.rejection().toString());
  CHECK_MESSAGE(first->accepted(), reasonName(first->reason()) << ": " << first->detail());

  auto again = portal->submit(message("antrag.0301.xml"));
  REQUIRE(again.ok());
  CHECK(again->accepted());
  CHECK(again->duplicate());

  auto other = portal->submit(message("antrag.0301-other.xml"));
  REQUIRE(other.ok());
  CHECK_FALSE(other->accepted());
  CHECK(other->reason() == v1::DUPLICATE_CONFLICT);
  CHECK(other->detail().find(kProcess) != std::string::npos);
  CHECK(other->detail().find("type 0301") != std::string::npos);
  CHECK(other->detail().find("another document") != std::string::npos);

  auto backend = broker.connect("bs-bauamt", v1::BACKEND, 8);
  auto in = testing::nextOf(*backend, v1::DELIVER);
  REQUIRE(in.has_value());
  REQUIRE(in->payloads.size() == 1);
  CHECK(in->payloads[0] == message("antrag.0301.xml"));
  backend->ack(in->envelope.deliver().delivery_id());
  CHECK_FALSE(testing::nextOf(*backend, v1::DELIVER, 500ms).has_value());
  CHECK(broker.running());
}

TEST_CASE(
    "a header of the configured shape that is wrong is refused naming the mapping's key, and the "
    "broker goes on") {
  BrokerProcess broker(config());
  broker.start();
  auto portal = broker.connect("psw:03000001", v1::PORTAL);

  auto wrong_type = portal->submit(message("antrag.0301-wrong-type.xml"));
  REQUIRE(wrong_type.ok());
  CHECK(wrong_type->reason() == v1::HEADER_INVALID);
  CHECK(wrong_type->detail().find("does not match the root element <antrag.0301>") !=
        std::string::npos);

  auto invalid = portal->submit(message("antrag.0301-invalid.xml"));
  REQUIRE(invalid.ok());
  CHECK(invalid->reason() == v1::SCHEMA_INVALID);
  CHECK(invalid->detail().find("Erstellungszeitpunkt") != std::string::npos);

  // The Kopf is there but has no ProzessID: the key and the expression are named.
  std::string doc = message("antrag.0301.xml");
  const auto open = doc.find("<k:ProzessID>");
  const auto close = doc.find("</k:ProzessID>");
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  doc.erase(open, close + std::string("</k:ProzessID>").size() - open);
  auto no_id = portal->submit(doc);
  REQUIRE(no_id.ok());
  CHECK_FALSE(no_id->accepted());
  // Validation runs first and the schema requires the element; either way the broker names it.
  CHECK(no_id->detail().find("ProzessID") != std::string::npos);

  // A g2g document in another namespace is still read with the built-in mapping.
  auto hamburg = broker.connect("psw:02000001", v1::PORTAL);
  auto g2g = hamburg->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml"));
  REQUIRE(g2g.ok());
  CHECK_MESSAGE(g2g->accepted(), reasonName(g2g->reason()) << ": " << g2g->detail());

  CHECK(portal->submit(message("antrag.0301.xml"))->accepted());
}

TEST_CASE("a header mapping that does not compile stops the start naming its table and key") {
  BrokerProcess broker(config(headerMapping("/*/k:Kopf/k:ProzessID[")));
  const std::string why = testing::startFailure(broker);
  CHECK(why.find("[[headers]] #1 message_id") != std::string::npos);
  CHECK(why.find("is not XPath 1.0") != std::string::npos);
}
