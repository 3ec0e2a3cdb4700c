// HeaderStage alone: it reads nachrichtenkopf.g2g into message.header and notes type, author
// and reader; it refuses a document without a header (HEADER_MISSING) or with a bad field
// (HEADER_INVALID), an author who is not the signer (AUTHOR_MISMATCH) and, with transport
// security on, an author who is not the submitting participant (IDENTITY_MISMATCH) or a portal
// submitting a service it is not registered for (NOT_AUTHORIZED).
#include "broker/pipeline/header_stage.h"

#include <doctest/doctest.h>

#include "core/xml/secure_parser.h"
#include "tests/support/forgeries.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

constexpr const char* kGewerbeService = "99050012104000";    // the sample's dvdvDienstkennung
const util::Snapshot<xoev::HeaderMappings> kBuiltinHeaders;  // no [[headers]]: g2g only

// The registry with the sample's author, allowed `services` (empty: any).
CurrentParticipants registry(std::vector<std::string> services = {}) {
  Participant p;
  p.id = "psw:02000001";
  p.role = v1::PORTAL;
  p.services = std::move(services);
  return CurrentParticipants(
      std::make_shared<const ParticipantRegistry>(std::vector<Participant>{p}));
}

Message submitted(const std::string& bytes, std::string sender = "psw:02000001") {
  Message m;
  m.sender = std::move(sender);
  m.raw = std::make_shared<const std::string>(bytes);
  auto doc = xml::parseSecure(bytes, {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  return m;
}

Rejection refusal(HeaderStage& stage, Message m) {
  auto r = stage.process(m);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("header stage reads the XOEV header into the message and notes type author and reader") {
  const auto participants = registry();
  HeaderStage stage(participants, kBuiltinHeaders, true);
  CHECK(stage.name() == "header");
  CHECK(stage.traceEvent() == "header_read");
  std::string uuid;
  Message m = submitted(testing::unsignedSample(&uuid));
  CHECK_FALSE(stage.process(m));
  CHECK(m.header.message_uuid == uuid);
  CHECK(m.header.message_type == "0100");
  CHECK(m.header.author == "psw:02000001");
  CHECK(m.header.reader == "ars:020000000000");
  CHECK(m.header.service == kGewerbeService);
  CHECK(m.header.namespace_uri == "urn:xoev-de:ozgbus:gewerbe:1.0");
  CHECK(m.header.root_name == "gewerbe.anmeldung.0100");
  CHECK(m.note == "type 0100 from psw:02000001 to ars:020000000000");
}

TEST_CASE("header stage refuses a missing header and an invalid nachrichtenUUID") {
  const auto participants = registry();
  HeaderStage stage(participants, kBuiltinHeaders, false);
  const Rejection missing =
      refusal(stage, submitted("<m:antrag xmlns:m=\"urn:x\"><daten/></m:antrag>"));
  CHECK(missing.reason == v1::HEADER_MISSING);
  CHECK(missing.detail == "no nachrichtenkopf.g2g under <antrag> (line 1)");
  const std::string no_uuid = testing::replaced(testing::unsignedSample(), "<nachrichtenUUID>",
                                                "<nachrichtenUUID>not-a-uuid");
  const Rejection invalid = refusal(stage, submitted(no_uuid));
  CHECK(invalid.reason == v1::HEADER_INVALID);
  CHECK(invalid.detail.rfind("nachrichtenUUID 'not-a-uuid", 0) == 0);
  CHECK(invalid.detail.find("is not a UUID") != std::string::npos);
}

TEST_CASE("header stage refuses an author who did not sign the document as AUTHOR_MISMATCH") {
  const auto participants = registry();
  HeaderStage stage(participants, kBuiltinHeaders, false);
  Message m = submitted(testing::unsignedSample());
  m.signer = "psw:01000001";  // as the verify stage sets it
  m.signer_subject = "CN=psw:01000001,OU=portal";
  const Rejection r = refusal(stage, std::move(m));
  CHECK(r.reason == v1::AUTHOR_MISMATCH);
  CHECK(
      r.detail ==
      "autor/kennung 'psw:02000001' did not sign this document: the signature is by 'psw:01000001' "
      "(certificate 'CN=psw:01000001,OU=portal')");
}

TEST_CASE(
    "header stage with transport security refuses another participant's message as "
    "IDENTITY_MISMATCH") {
  const auto participants = registry();
  HeaderStage insecure(participants, kBuiltinHeaders, false);
  Message believed = submitted(testing::unsignedSample(), "psw:01000001");
  CHECK_FALSE(insecure.process(believed));  // without CURVE the header is believed

  HeaderStage secure(participants, kBuiltinHeaders, true);
  const Rejection r = refusal(secure, submitted(testing::unsignedSample(), "psw:01000001"));
  CHECK(r.reason == v1::IDENTITY_MISMATCH);
  CHECK(r.detail ==
        "autor/kennung 'psw:02000001' is not the submitting participant 'psw:01000001'");
}

TEST_CASE("header stage refuses a service the portal is not registered for as NOT_AUTHORIZED") {
  const auto parking_only = registry({"99050012104001"});
  HeaderStage stage(parking_only, kBuiltinHeaders, true);
  const Rejection r = refusal(stage, submitted(testing::unsignedSample()));
  CHECK(r.reason == v1::NOT_AUTHORIZED);
  CHECK(r.detail == "participant 'psw:02000001' may not submit service '99050012104000'");

  const auto gewerbe = registry({"99050012104001", kGewerbeService});
  HeaderStage allowed(gewerbe, kBuiltinHeaders, true);
  Message m = submitted(testing::unsignedSample());
  CHECK_FALSE(allowed.process(m));
}
