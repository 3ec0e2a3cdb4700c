// core/dsig: the verifier against every forgery class, the signer, the certificate cache.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "core/dsig/signing_certificate.h"
#include "core/dsig/verifier.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "tests/support/forgeries.h"
#include "tests/support/temp_dir.h"

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
  CHECK(detail(testing::signWith(participantKeys("psw:02000003"), x)).find("CN=psw:02000003") !=
        std::string::npos);
  CHECK(detail(testing::signWith(participantKeys("psw:02000002"), x)).find("expired") !=
        std::string::npos);
  CHECK(detail(testing::replaced(testing::signedSample(), "#rsa-sha256", "#rsa-sha512"))
            .find("xmldsig-more#rsa-sha512") != std::string::npos);
  CHECK(
      detail(testing::replaced(testing::signedSample(), "URI=\"\"", "URI=\"http://127.0.0.1:9/x\""))
          .find("only URI=\"\"") != std::string::npos);
}

TEST_CASE(
    "certificates of a trusted CA that are unfit to sign are refused, naming subject and fault") {
  const std::string x = testing::unsignedSample();
  const auto detail = [](const std::string& bytes) { return verify(bytes).rejection().detail; };
  const std::string rsa1024 = detail(testing::signWith(testing::rsa1024Certificate(), x));
  CHECK(rsa1024.find("CN=psw:02000001") != std::string::npos);
  CHECK(rsa1024.find("RSA key of 1024 bits; at least 2048 are required") != std::string::npos);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"192-bit", "EC key on a 192-bit curve"},
      {"keyUsage", "is not for signing"},
      {"CA certificate", "is a CA certificate"},
  };
  std::size_t matched = 0;
  for (const auto& f : testing::forgeries()) {
    for (const auto& [in_name, in_detail] : expected) {
      if (std::string(f.name).find(in_name) == std::string::npos) continue;
      CAPTURE(f.name);
      CHECK(detail(f.make(x)).find(in_detail) != std::string::npos);
      ++matched;
    }
  }
  CHECK(matched == expected.size());
  // The same CA, fit certificates: RSA-2048 for signing, and one that does not restrict its key
  // usage.
  const char* no_key_usage = "basicConstraints = critical, CA:false";
  for (const auto& keys :
       {testing::issuedByHamburg("fit", testing::kRsa2048, testing::kSignerExtensions),
        testing::issuedByHamburg("unrestricted", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256",
                                 no_key_usage)}) {
    CAPTURE(keys.cert);
    auto fit = verify(testing::signWith(keys, x));
    CHECK_MESSAGE(fit.ok(), (fit.ok() ? "" : fit.rejection().toString()));
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
  CHECK(dsig::checkSigningCertificateFile("/nonexistent/cert.pem")
            ->detail.find("/nonexistent/cert.pem") != std::string::npos);
}

TEST_CASE("a replay forgives a certificate that expired after the message arrived, nothing else") {
  const std::string x = testing::unsignedSample();
  const std::string expired =
      testing::signWith(participantKeys("psw:02000002"), x);  // valid -30 d .. -1 d
  const std::string revoked = testing::signWith(participantKeys("psw:02000003"), x);
  const auto now = std::chrono::system_clock::now();
  dsig::Verifier v;
  const auto replay = [&](const std::string& bytes,
                          std::chrono::system_clock::time_point received_at) {
    auto doc = xml::parseSecure(bytes, {});
    REQUIRE(doc.ok());
    return v.verify(doc->get(), trust(), received_at);
  };
  CHECK(verify(expired, v).rejection().reason == v1::CERT_EXPIRED);
  auto arrived_in_time = replay(expired, now - std::chrono::hours(24 * 10));
  REQUIRE_MESSAGE(arrived_in_time.ok(), arrived_in_time.rejection().toString());
  CHECK(arrived_in_time->common_name == "psw:02000002");
  CHECK(replay(expired, now).rejection().reason == v1::CERT_EXPIRED);  // arrived after it expired
  CHECK(replay(revoked, now - std::chrono::hours(1)).rejection().reason == v1::CERT_REVOKED);
  CHECK(replay(testing::signWith(testing::rsa1024Certificate(), x), now).rejection().reason ==
        v1::CERT_UNTRUSTED);
  // What a replay let through is not remembered for messages checked now.
  CHECK(verify(expired, v).rejection().reason == v1::CERT_EXPIRED);
}

TEST_CASE("a replay still needs current CRLs") {
  // The trust store as the development PKI's, but Hamburg's CRL ran out in 2020.
  testing::TempDir dir;
  namespace fs = std::filesystem;
  const fs::path pki = testing::pki();
  fs::create_directories(dir.path() / "ca");
  fs::create_directories(dir.path() / "crl");
  for (const char* c : {"root", "hh", "sh", "by", "broker"}) {
    fs::copy_file(pki / "ca" / (std::string(c) + ".cert.pem"),
                  dir.path() / "ca" / (std::string(c) + ".cert.pem"));
    if (std::string(c) != "hh") {
      fs::copy_file(pki / "crl" / (std::string(c) + ".crl.pem"),
                    dir.path() / "crl" / (std::string(c) + ".crl.pem"));
    }
  }
  fs::copy(pki / "ca" / "db" / "hh", dir.path() / "hhdb", fs::copy_options::recursive);
  const std::string cmd =
      "CA_DIR='" + (dir.path() / "hhdb").string() + "' openssl ca -batch -config '" +
      (pki / "ca" / "db" / "openssl.cnf").string() + "' -cert '" +
      (pki / "ca" / "hh.cert.pem").string() + "' -keyfile '" +
      (pki / "ca" / "private" / "hh.key.pem").string() +
      "' -gencrl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200201000000Z -out '" +
      (dir.path() / "crl" / "hh.crl.pem").string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto stale = dsig::TrustStore::load({dir.path() / "ca", dir.path() / "crl"});
  REQUIRE_MESSAGE(stale.ok(), stale.rejection().detail);
  auto doc = xml::parseSecure(testing::signedSample(), {});
  REQUIRE(doc.ok());
  dsig::Verifier v;
  auto now = v.verify(doc->get(), **stale);
  REQUIRE_FALSE(now.ok());
  CHECK(now.rejection().detail.find("CRL has expired") != std::string::npos);
  auto replayed =
      v.verify(doc->get(), **stale, std::chrono::system_clock::now() - std::chrono::hours(1));
  REQUIRE_FALSE(replayed.ok());
  CHECK(replayed.rejection().detail.find("CRL has expired") != std::string::npos);
}

TEST_CASE("a comment added inside a signed value changes neither the verdict nor the value read") {
  // Comments are outside exclusive C14N, so they may be added after signing; the header must
  // still read the whole value.
  const std::string s =
      testing::replaced(testing::signedSample(), "<kennung>psw:02000001</kennung>",
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
  auto s =
      dsig::Signer::load(participantKeys("psw:02000001").key, participantKeys("psw:01000001").cert);
  REQUIRE_FALSE(s.ok());
  CHECK(s.rejection().detail.find("does not belong") != std::string::npos);
}
