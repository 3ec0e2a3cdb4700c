// The Quittung sent with each receipt: valid against OZGBus-Quittung 1.0, stable across sends.
#include "broker/delivery/receipt_document.h"

#include <doctest/doctest.h>

#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"

using namespace ozgbus;
using broker::MessageState;

namespace {

std::optional<Rejection> validate(const std::string& doc) {
  static auto registry = schema::SchemaRegistry::load(
      {{std::string(OZGBUS_SOURCE_DIR) + "/xsd/catalog.xml"}, {"urn:xoev-de:ozgbus:quittung:1.0"}});
  REQUIRE_MESSAGE(registry.ok(), registry.rejection().detail);
  auto parsed = xml::parseSecure(doc, {});
  if (!parsed) return parsed.rejection();
  schema::SchemaValidator v;
  return v.validate(*registry, parsed->get());
}

broker::ReceiptRecord record(MessageState outcome, std::string detail = "") {
  return {7,
          3,
          "psw:02000001",
          "4dd1b60e-0e53-4e28-a70d-d0a67586c828",
          outcome,
          outcome == MessageState::kDelivered ? v1::REASON_UNSPECIFIED : v1::REJECTED_BY_RECEIVER,
          std::move(detail),
          "hh-gewerbeamt",
          1764410825004,
          "0100"};
}

}  // namespace

TEST_CASE("a delivered receipt is a valid quittung.annahme.0900 from the back-end to the portal") {
  const std::string doc = broker::receiptDocument(record(MessageState::kDelivered));
  const auto problem = validate(doc);
  CHECK_MESSAGE(!problem, (problem ? problem->toString() : ""));
  auto parsed = xml::parseSecure(doc, {});
  REQUIRE(parsed.ok());
  auto header = xoev::readHeader(parsed->get());
  REQUIRE(header.ok());
  CHECK(header->message_type == "0900");
  CHECK(header->reader == "psw:02000001");
  CHECK(header->author == "ozgbus:hh-gewerbeamt");
  CHECK(doc.find("<quit:nachrichtenUUID>4dd1b60e-0e53-4e28-a70d-d0a67586c828<") !=
        std::string::npos);
  CHECK(doc.find("2025-11-29T10:07:05.004Z") != std::string::npos);
}

TEST_CASE(
    "a refusal is a valid quittung.ablehnung.0910 carrying the back-end's reason, escaped and cut "
    "to the schema's limit") {
  auto doc =
      broker::receiptDocument(record(MessageState::kRejected, "Aktenzeichen <fehlt> & mehr"));
  {
    const auto p = validate(doc);
    CHECK_MESSAGE(!p, (p ? p->toString() : ""));
  }
  CHECK(doc.find("<code>F999</code>") != std::string::npos);
  CHECK(doc.find("Aktenzeichen &lt;fehlt&gt; &amp; mehr") != std::string::npos);

  std::string long_detail(1999, 'x');
  long_detail += "ä";  // two bytes across the 2000-byte limit: dropped whole
  doc = broker::receiptDocument(record(MessageState::kRejected, long_detail));
  {
    const auto p = validate(doc);
    CHECK_MESSAGE(!p, (p ? p->toString() : ""));
  }
  CHECK(doc.find(std::string(1999, 'x') + "</quit:beschreibung>") != std::string::npos);
}

TEST_CASE("the same receipt gives the same document and the outcome a different id") {
  CHECK(broker::receiptDocument(record(MessageState::kDelivered)) ==
        broker::receiptDocument(record(MessageState::kDelivered)));
  const auto uuidOf = [](const std::string& d) {
    const auto a = d.find("<nachrichtenUUID>") + 17;
    return d.substr(a, 36);
  };
  const std::string a = uuidOf(broker::receiptDocument(record(MessageState::kDelivered)));
  CHECK(xoev::isUuid(a));
  CHECK(a != uuidOf(broker::receiptDocument(record(MessageState::kRejected))));
}

TEST_CASE("a receipt for a message whose id is a process id is a valid Quittung too") {
  broker::ReceiptRecord r = record(MessageState::kDelivered);
  r.message_uuid = "P-2026-000123";
  r.message_type = "0301";
  const std::string doc = broker::receiptDocument(r);
  const auto problem = validate(doc);
  CHECK_MESSAGE(!problem, (problem ? problem->toString() : ""));
  CHECK(doc.find("<quit:nachrichtenUUID>P-2026-000123<") != std::string::npos);
  r.message_type = "0302";
  CHECK(broker::receiptDocument(r) != doc);  // another message of the same process
}
