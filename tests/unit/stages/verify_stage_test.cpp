// VerifyStage alone, against the development PKI's trust store and participant registry
// (pki/curve/participants.toml): a document signed with a participant's key sets message.signer
// and the note; unsigned (SIGNATURE_MISSING), untrusted (CERT_UNTRUSTED), expired (CERT_EXPIRED)
// and certificates of no participant or of the wrong CA (NOT_AUTHORIZED) are refused; a replayed
// dead letter is checked at the time it first arrived, and its note says so.
#include "broker/pipeline/verify_stage.h"

#include <doctest/doctest.h>

#include "broker/config/config.h"
#include "core/xml/secure_parser.h"
#include "tests/support/config_toml.h"
#include "tests/support/forgeries.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

// The participants as the development PKI registers them.
std::vector<Participant> devParticipants() {
  auto c = parseConfig("[broker]\ninsecure = true\n" + testing::signaturesToml(), "x.toml");
  REQUIRE_MESSAGE(c.ok(), c.rejection().detail);
  REQUIRE(c->participants.size() >= 8);
  return c->participants;
}

std::shared_ptr<const dsig::TrustStore> loadedTrust() {
  auto t = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE_MESSAGE(t.ok(), t.rejection().detail);
  return *t;
}

struct Fixture {
  explicit Fixture(std::vector<Participant> registered = devParticipants())
      : trust(loadedTrust()),
        participants(std::make_shared<const ParticipantRegistry>(std::move(registered))) {}
  dsig::CurrentTrustStore trust;
  CurrentParticipants participants;
  VerifyStage stage{trust, participants, dsig::VerifierOptions{}};
};

Message parsed(const std::string& bytes) {
  Message m;
  m.raw = std::make_shared<const std::string>(bytes);
  auto doc = xml::parseSecure(bytes, {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  return m;
}

const std::string kReplayNote =
    "on replay a certificate valid when the message arrived counts as valid";

}  // namespace

TEST_CASE("verify stage names the participant whose registered certificate signed the document") {
  Fixture f;
  CHECK(f.stage.name() == "verify");
  CHECK(f.stage.traceEvent() == "verified");
  Message m = parsed(testing::signedSample());
  const auto r = f.stage.process(m);
  CHECK_MESSAGE(!r, (r ? r->toString() : ""));
  CHECK(m.signer == "psw:02000001");
  CHECK(m.signer_subject == f.participants.get()->byId("psw:02000001")->certificate_subject);
  CHECK(m.signer_subject.rfind("CN=psw:02000001,", 0) == 0);
  CHECK(m.note == "signed by psw:02000001 (" + m.signer_subject + ")");
  CHECK(m.note.find(kReplayNote) == std::string::npos);
}

TEST_CASE(
    "verify stage refuses unsigned documents as SIGNATURE_MISSING and untrusted signers as "
    "CERT_UNTRUSTED") {
  Fixture f;
  Message plain = parsed(testing::unsignedSample());
  auto missing = f.stage.process(plain);
  REQUIRE(missing);
  CHECK(missing->reason == v1::SIGNATURE_MISSING);
  CHECK(missing->detail == "no ds:Signature in <gewerbe.anmeldung.0100>");
  CHECK(plain.signer.empty());

  Message forged = parsed(testing::signWith(testing::selfSigned(), testing::unsignedSample()));
  auto untrusted = f.stage.process(forged);
  REQUIRE(untrusted);
  CHECK(untrusted->reason == v1::CERT_UNTRUSTED);
  CHECK(untrusted->detail.find("CN=psw:02000001") != std::string::npos);
  CHECK(forged.signer.empty());
}

TEST_CASE(
    "verify stage refuses a trusted certificate that is no participant's or comes from another "
    "CA") {
  Fixture nobody(std::vector<Participant>{});
  Message m = parsed(testing::signedSample());
  auto unknown = nobody.stage.process(m);
  REQUIRE(unknown);
  CHECK(unknown->reason == v1::NOT_AUTHORIZED);
  CHECK(unknown->detail.find("is trusted but is no participant's certificate_subject") !=
        std::string::npos);

  std::vector<Participant> registered = devParticipants();
  for (Participant& p : registered) {
    if (p.id == "psw:02000001") p.certificate_issuer = "CN=some other CA";
  }
  Fixture other_ca(registered);
  Message again = parsed(testing::signedSample());
  auto wrong_issuer = other_ca.stage.process(again);
  REQUIRE(wrong_issuer);
  CHECK(wrong_issuer->reason == v1::NOT_AUTHORIZED);
  CHECK(wrong_issuer->detail.find(
            "participant psw:02000001's certificates come from 'CN=some other CA'") !=
        std::string::npos);
  CHECK(again.signer.empty());
}

TEST_CASE(
    "verify stage accepts on replay a certificate that expired after the message first arrived") {
  Fixture f;
  // psw:02000002's certificate was valid from 30 days ago until yesterday.
  const std::string expired =
      testing::signWith(testing::participantKeys("psw:02000002"), testing::unsignedSample());
  Message now = parsed(expired);
  auto refused = f.stage.process(now);
  REQUIRE(refused);
  CHECK(refused->reason == v1::CERT_EXPIRED);

  const auto ten_days_ago = std::chrono::system_clock::now() - std::chrono::hours(24 * 10);
  Message replayed = parsed(expired);
  FromReplay replay;
  replay.dead_letter_id = 42;
  replay.first_received_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(ten_days_ago.time_since_epoch())
          .count();
  replayed.origin = replay;
  const auto r = f.stage.process(replayed);
  CHECK_MESSAGE(!r, (r ? r->toString() : ""));
  CHECK(replayed.signer == "psw:02000002");
  CHECK(replayed.note.find("signed by psw:02000002 (CN=psw:02000002,") == 0);
  CHECK(replayed.note.find("; " + kReplayNote) != std::string::npos);
}

TEST_CASE("verify stage without a loaded trust store refuses as INTERNAL") {
  dsig::CurrentTrustStore none;
  CurrentParticipants participants(
      std::make_shared<const ParticipantRegistry>(std::vector<Participant>{}));
  VerifyStage stage(none, participants, dsig::VerifierOptions{});
  Message m = parsed(testing::signedSample());
  auto r = stage.process(m);
  REQUIRE(r);
  CHECK(r->reason == v1::INTERNAL);
  CHECK(r->detail == "no trust store loaded");
}
