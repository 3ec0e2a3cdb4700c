// core/dsig: the verifier against every forgery class, the signer, the certificate cache.
#include <doctest/doctest.h>

#include "core/dsig/signing_certificate.h"
#include "core/dsig/verifier.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "tests/support/forgeries.h"

using namespace ozgbus;
using testing::participantKeys;

namespace {

const dsig::TrustStore& trust() {
  static auto t = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE_MESSAGE(t.ok(), t.rejection().detail);
  return **t;
}

Result<dsig::SignerInfo> verify(const std::string& bytes, dsig::Verifier& v) {
  auto doc = xml::parseSecure(bytes, {});
  if (!doc) return doc.rejection();
  return v.verify(doc->get(), trust());
}

Result<dsig::SignerInfo> verify(const std::string& bytes) {
  dsig::Verifier v;
  return verify(bytes, v);
}

}  // namespace

TEST_CASE("documents signed with RSA and ECDSA participant keys verify and name the signer") {
  auto rsa = verify(testing::signedSample());
  REQUIRE_MESSAGE(rsa.ok(), rsa.rejection().toString());
  CHECK(rsa->common_name == "psw:02000001");
  CHECK(rsa->subject.rfind("CN=psw:02000001,OU=portal,", 0) == 0);
  auto ec = verify(testing::signWith(participantKeys("psw:01000001"), testing::unsignedSample()));
  REQUIRE_MESSAGE(ec.ok(), ec.rejection().toString());
  CHECK(ec->common_name == "psw:01000001");
}

TEST_CASE("every forgery is refused with its reason code") {
  const std::string original = testing::unsignedSample();
  for (const auto& f : testing::forgeries()) {
    CAPTURE(f.name);
    auto r = verify(f.make(original));
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.rejection().reason == f.expected, r.rejection().toString());
    CHECK_FALSE(r.rejection().detail.empty());
  }
}

TEST_CASE("rejections name what is wrong") {
  const std::string x = testing::unsignedSample();
  const auto detail = [](const std::string& bytes) { return verify(bytes).rejection().detail; };
  CHECK(detail(testing::forgeries()[1].make(x)).find("changed after signing") != std::string::npos);
  CHECK(detail(testing::signWith(participantKeys("psw:02000003"), x)).find("CN=psw:02000003") != std::string::npos);
  CHECK(detail(testing::signWith(participantKeys("psw:02000002"), x)).find("expired") != std::string::npos);
  CHECK(detail(testing::replaced(testing::signedSample(), "#rsa-sha256", "#rsa-sha512"))
            .find("xmldsig-more#rsa-sha512") != std::string::npos);
  CHECK(detail(testing::replaced(testing::signedSample(), "URI=\"\"", "URI=\"http://127.0.0.1:9/x\""))
            .find("only URI=\"\"") != std::string::npos);
}

TEST_CASE("certificates of a trusted CA that are unfit to sign are refused, naming subject and fault") {
  const std::string x = testing::unsignedSample();
  const auto detail = [](const std::string& bytes) { return verify(bytes).rejection().detail; };
  const std::string rsa1024 = detail(testing::signWith(testing::rsa1024Certificate(), x));
  CHECK(rsa1024.find("CN=psw:02000001") != std::string::npos);
  CHECK(rsa1024.find("RSA key of 1024 bits; at least 2048 are required") != std::string::npos);
  for (const auto& f : testing::forgeries()) {
    const std::string name = f.name;
    if (name.find("192-bit") != std::string::npos) {
      CHECK(detail(f.make(x)).find("EC key on a 192-bit curve") != std::string::npos);
    } else if (name.find("keyUsage") != std::string::npos) {
      CHECK(detail(f.make(x)).find("is not for signing") != std::string::npos);
    } else if (name.find("CA certificate") != std::string::npos) {
      CHECK(detail(f.make(x)).find("is a CA certificate") != std::string::npos);
    }
  }
}

TEST_CASE("every participant and broker certificate of the development PKI is fit to sign") {
  int checked = 0;
  for (const char* folder : {"participants", "broker"}) {
    for (const auto& e : std::filesystem::directory_iterator(testing::pki() / folder)) {
      const std::string name = e.path().filename().string();
      if (name.size() < 9 || name.substr(name.size() - 9) != ".cert.pem") continue;
      CAPTURE(name);
      const auto unfit = dsig::checkSigningCertificateFile(e.path());
      CHECK_MESSAGE(!unfit, (unfit ? unfit->detail : ""));
      ++checked;
    }
  }
  CHECK(checked >= 10);
  const auto weak = dsig::checkSigningCertificateFile(testing::rsa1024Certificate().cert);
  REQUIRE(weak);
  CHECK(weak->reason == v1::CERT_UNTRUSTED);
  CHECK(dsig::checkSigningCertificateFile("/nonexistent/cert.pem")->detail.find("/nonexistent/cert.pem") !=
        std::string::npos);
}

TEST_CASE("a replay ignores validity periods but not revocation, and leaves the cache alone") {
  const std::string x = testing::unsignedSample();
  const std::string expired = testing::signWith(participantKeys("psw:02000002"), x);
  const std::string revoked = testing::signWith(participantKeys("psw:02000003"), x);
  dsig::Verifier v;
  const auto replay = [&](const std::string& bytes) {
    auto doc = xml::parseSecure(bytes, {});
    REQUIRE(doc.ok());
    return v.verify(doc->get(), trust(), dsig::Periods::kIgnored);
  };
  CHECK(verify(expired, v).rejection().reason == v1::CERT_EXPIRED);
  auto again = replay(expired);
  REQUIRE_MESSAGE(again.ok(), again.rejection().toString());
  CHECK(again->common_name == "psw:02000002");
  auto still_revoked = replay(revoked);
  REQUIRE_FALSE(still_revoked.ok());
  CHECK(still_revoked.rejection().reason == v1::CERT_REVOKED);
  CHECK(replay(testing::signWith(testing::rsa1024Certificate(), x)).rejection().reason == v1::CERT_UNTRUSTED);
  // What a replay let through is not remembered for messages checked now.
  CHECK(verify(expired, v).rejection().reason == v1::CERT_EXPIRED);
}

TEST_CASE("a comment added inside a signed value changes neither the verdict nor the value read") {
  // Comments are outside exclusive C14N, so they may be added after signing; the header must
  // still read the whole value.
  const std::string s = testing::replaced(testing::signedSample(), "<kennung>psw:02000001</kennung>",
                                          "<kennung>psw:02<!-- x -->000001</kennung>");
  auto doc = xml::parseSecure(s, {});
  REQUIRE(doc.ok());
  dsig::Verifier v;
  auto r = v.verify(doc->get(), trust());
  REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
  auto header = xoev::readHeader(doc->get());
  REQUIRE(header.ok());
  CHECK(header->author == "psw:02000001");
}

TEST_CASE("a certificate is chain-checked once and then taken from the cache") {
  dsig::Verifier v;
  REQUIRE(verify(testing::signedSample(), v).ok());
  REQUIRE(verify(testing::signedSample(), v).ok());
  CHECK(v.cacheMisses() == 1);
  CHECK(v.cacheHits() == 1);
  // The cache holds trusted certificates only: a forged one misses every time.
  const auto self = testing::signWith(testing::selfSigned(), testing::unsignedSample());
  CHECK_FALSE(verify(self, v).ok());
  CHECK_FALSE(verify(self, v).ok());
  CHECK(v.cacheMisses() == 3);
}

TEST_CASE("a zero TTL re-checks the chain every time") {
  dsig::Verifier v({16, std::chrono::seconds(0)});
  REQUIRE(verify(testing::signedSample(), v).ok());
  REQUIRE(verify(testing::signedSample(), v).ok());
  CHECK(v.cacheMisses() == 2);
}

TEST_CASE("the broker's signature replaces the author's and verifies") {
  const auto broker = testing::brokerKeys("ec");
  auto signer = dsig::Signer::load(broker.key, broker.cert);
  REQUIRE_MESSAGE(signer.ok(), signer.rejection().detail);
  CHECK((*signer)->ecdsa());
  auto resigned = client::signDocument(testing::signedSample(), **signer);
  REQUIRE(resigned.ok());
  CHECK(resigned->find("<ds:Signature xmlns") == resigned->rfind("<ds:Signature xmlns"));
  auto r = verify(*resigned);
  REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
  CHECK(r->common_name == "ozgbus-broker-ec");
}

TEST_CASE("a key and a certificate that do not belong together are refused at load") {
  auto s = dsig::Signer::load(participantKeys("psw:02000001").key, participantKeys("psw:01000001").cert);
  REQUIRE_FALSE(s.ok());
  CHECK(s.rejection().detail.find("does not belong") != std::string::npos);
}
