// SignStage alone, with the development PKI's broker key: after process() message.delivered
// holds the document signed by the broker in place of the author's signature, and it verifies
// against the trust store (core/dsig/verifier.h); the author's original stays in message.raw.
// A document with nothing to sign is refused (INTERNAL); the factory wants the broker's key and
// the stage right before persist.
#include "broker/pipeline/sign_stage.h"

#include <doctest/doctest.h>

#include "broker/runtime/runtime.h"
#include "core/dsig/verifier.h"
#include "core/xml/secure_parser.h"
#include "tests/support/fakes.h"
#include "tests/support/forgeries.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

std::shared_ptr<const dsig::Signer> brokerSigner() {
  const auto keys = testing::brokerKeys("ec");
  auto signer = dsig::Signer::load(keys.key, keys.cert);
  REQUIRE_MESSAGE(signer.ok(), signer.rejection().detail);
  return *signer;
}

Message parsed(const std::string& bytes) {
  Message m;
  m.raw = std::make_shared<const std::string>(bytes);
  auto doc = xml::parseSecure(bytes, {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  return m;
}

std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE(
    "sign stage delivers the document signed by the broker and verifiable against the trust "
    "store") {
  SignStage stage(brokerSigner());
  CHECK(stage.name() == "sign");
  CHECK(stage.traceEvent() == "signed");
  const std::string authored = testing::signedSample();  // signed by its author, psw:02000001
  Message m = parsed(authored);
  const auto r = stage.process(m);
  CHECK_MESSAGE(!r, (r ? r->toString() : ""));
  REQUIRE(m.delivered);
  CHECK(m.note.rfind("by the broker (CN=ozgbus-broker-ec,", 0) == 0);
  CHECK(*m.delivered == dsig::serialize(m.doc.get()));
  CHECK(occurrences(*m.delivered, "<ds:Signature xmlns") ==
        1);                   // the author's signature is replaced
  CHECK(*m.raw == authored);  // and kept with the original

  auto trust = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE_MESSAGE(trust.ok(), trust.rejection().detail);
  auto delivered = xml::parseSecure(*m.delivered, {});
  REQUIRE(delivered.ok());
  dsig::Verifier verifier;
  auto signer = verifier.verify(delivered->get(), **trust);
  REQUIRE_MESSAGE(signer.ok(), signer.rejection().toString());
  CHECK(signer->common_name == "ozgbus-broker-ec");
  CHECK(m.note == "by the broker (" + signer->subject + ")");
}

TEST_CASE("sign stage refuses a document without an element as INTERNAL and delivers nothing") {
  SignStage stage(brokerSigner());
  Message m;
  m.doc = xml::Doc(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
  auto r = stage.process(m);
  REQUIRE(r);
  CHECK(r->reason == v1::INTERNAL);
  CHECK(r->detail == "nothing to sign: no document element");
  CHECK_FALSE(m.delivered);
}

TEST_CASE("sign stage factory wants the broker key and its place right before persist") {
  testing::RecordingCommits commits;
  util::ManualClock clock;
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  auto keyless = Runtime::load(c);
  REQUIRE(keyless.ok());
  const std::vector<std::string> names = {"parse", "header", "route", "sign", "persist"};
  auto no_key =
      SignStage::create(StageContext{**keyless, commits, clock}, StagePlacement{names, 3});
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.rejection().detail.rfind(
            "x.toml: signatures.broker_key and signatures.broker_certificate are required", 0) ==
        0);

  const auto keys = testing::brokerKeys("ec");
  c.signatures.key = keys.key;
  c.signatures.certificate = keys.cert;
  auto runtime = Runtime::load(c);
  REQUIRE_MESSAGE(runtime.ok(), runtime.rejection().detail);
  const StageContext ctx{**runtime, commits, clock};
  CHECK(SignStage::create(ctx, StagePlacement{names, 3}).ok());
  const std::vector<std::string> too_early = {"parse", "header", "sign", "route", "persist"};
  auto misplaced = SignStage::create(ctx, StagePlacement{too_early, 2});
  REQUIRE_FALSE(misplaced.ok());
  CHECK(misplaced.rejection().detail ==
        "x.toml: pipeline.stages: \"sign\" must come right before \"persist\" (it signs what is "
        "delivered, after every "
        "change)");
}
