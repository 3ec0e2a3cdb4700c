#include "bench/signature_bench.h"

#include <libxml/c14n.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "bench/dev_pki.h"
#include "bench/rate.h"
#include "broker/delivery/receipt_document.h"
#include "client/message_template.h"
#include "client/signing.h"
#include "core/dsig/openssl.h"
#include "core/dsig/verifier.h"
#include "core/xml/secure_parser.h"
#include "tests/support/pki.h"

namespace ozgbus::bench {
namespace {

using testing::KeyPair;

dsig::EvpPkey privateKey(const std::filesystem::path& file) {
  dsig::Bio bio(BIO_new_file(file.c_str(), "r"));
  dsig::EvpPkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) throw std::runtime_error("cannot read " + file.string());
  return key;
}

std::shared_ptr<const dsig::Signer> signer(const KeyPair& k) {
  auto s = dsig::Signer::load(k.key, k.cert);
  if (!s) throw std::runtime_error(s.rejection().detail);
  return *s;
}

xml::Doc parse(const std::string& bytes) {
  auto d = xml::parseSecure(bytes, {});
  if (!d) throw std::runtime_error(d.rejection().toString());
  return std::move(*d);
}

// What any enveloped signature must do at least: exclusive C14N of the document, SHA-256 of
// it, and one public-key operation over a SignedInfo-sized block.
void c14nDigest(xmlDoc* doc) {
  xmlChar* out = nullptr;
  const int n = xmlC14NDocDumpMemory(doc, nullptr, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, &out);
  xml::XmlString owner(out);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(out, static_cast<std::size_t>(n), digest);
}

std::string bareSign(EVP_PKEY* key, const std::string& block) {
  dsig::EvpMdCtx ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(block.data());
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx.get(), nullptr, &len, data, block.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, block.size());
  sig.resize(len);
  return sig;
}

bool bareVerify(EVP_PKEY* key, const std::string& block, const std::string& sig) {
  dsig::EvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(block.data()), block.size()) == 1;
}

// A 4 KiB document as a portal sends it: with its signature (about 2 KiB more with the
// certificate).
std::string signedMessage(const dsig::Signer& s, std::size_t bytes) {
  const auto t = client::MessageTemplate::load(
      std::string(OZGBUS_SOURCE_DIR) + "/samples/messages/gewerbeanmeldung-1.0-hamburg.xml");
  auto signed_doc = client::signDocument(t.instantiateSized(bytes), s);
  if (!signed_doc) throw std::runtime_error(signed_doc.rejection().toString());
  return *signed_doc;
}

void row(const char* what, double ops, double floor) {
  std::printf("| %s | %.0f | %.0f | %.2f |\n", what, ops, floor, ops / floor);
}

}  // namespace

int runSignatureBench(double seconds) {
  ensureDevPki();
  auto trust = dsig::TrustStore::load(testing::trustPaths());
  if (!trust) throw std::runtime_error(trust.rejection().detail);
  const KeyPair rsa_portal = testing::participantKeys("psw:02000001");
  const auto portal = signer(rsa_portal);
  const std::string message = signedMessage(*portal, 4096);
  const std::string signed_info(600, 'S');  // about the size of a canonical ds:SignedInfo

  dsig::Verifier cached;
  dsig::Verifier uncached({16, std::chrono::seconds(0)});
  const auto verify = [&](dsig::Verifier& v) {
    auto d = parse(message);
    if (!v.verify(d.get(), **trust)) throw std::runtime_error("benchmark message does not verify");
  };
  verify(cached);
  const dsig::EvpPkey rsa_key = privateKey(rsa_portal.key);
  const std::string rsa_sig = bareSign(rsa_key.get(), signed_info);
  const double verify_floor = rate(seconds, [&] {
    auto d = parse(message);
    c14nDigest(d.get());
    if (!bareVerify(rsa_key.get(), signed_info, rsa_sig))
      throw std::runtime_error("bare verify failed");
  });
  const double verify_hit = rate(seconds, [&] { verify(cached); });
  const double verify_miss = rate(seconds, [&] { verify(uncached); });

  std::printf(
      "4 KiB document, %zu B with its RSA-2048 signature; one core, same run.\n\n"
      "| operation | ops/s | floor ops/s | ratio to floor |\n|---|---|---|---|\n",
      message.size());
  row("verify RSA-2048, certificate cached (parse + verify)", verify_hit, verify_floor);
  row("verify RSA-2048, cache miss (chain + CRL check every time)", verify_miss, verify_floor);

  auto doc = parse(message);
  for (const char* type : {"ec", "rsa"}) {
    const auto broker = signer(testing::brokerKeys(type));
    const dsig::EvpPkey key = privateKey(testing::brokerKeys(type).key);
    const double floor = rate(seconds, [&] {
      c14nDigest(doc.get());
      (void)bareSign(key.get(), signed_info);
    });
    // The sign stage's work on the parsed document: the author's signature replaced by the
    // broker's.
    const double sign = rate(seconds, [&] {
      if (broker->sign(doc.get())) throw std::runtime_error("signing failed");
    });
    const double sign_out = rate(seconds, [&] {
      (void)broker->sign(doc.get());
      (void)dsig::serialize(doc.get());
    });
    std::printf("| broker signs, %s | %.0f | %.0f | %.2f |\n",
                broker->ecdsa() ? "ECDSA P-256" : "RSA-2048", sign, floor, sign / floor);
    std::printf("| broker signs and serializes, %s | %.0f | | |\n",
                broker->ecdsa() ? "ECDSA P-256" : "RSA-2048", sign_out);
    // Done on the transport thread for every receipt it sends (server.cpp, sendReceipt).
    broker::ReceiptRecord receipt;
    receipt.id = 1;
    receipt.recipient = "psw:02000001";
    receipt.message_uuid = "46f2f771-0aea-4269-90f7-c5ae5ea28856";
    receipt.receiver = "hh-gewerbeamt";
    receipt.at_ms = 1764460800000;
    receipt.message_type = "0100";
    const double quittung = rate(seconds, [&] {
      if (!broker::signedReceiptDocument(receipt, *broker))
        throw std::runtime_error("receipt signing failed");
    });
    std::printf("| broker writes and signs a Quittung (receipt), %s | %.0f | | |\n",
                broker->ecdsa() ? "ECDSA P-256" : "RSA-2048", quittung);
  }
  std::printf(
      "\ncertificate cache: %llu hits, %llu misses (cached verifier); %llu misses (uncached)\n",
      static_cast<unsigned long long>(cached.cacheHits()),
      static_cast<unsigned long long>(cached.cacheMisses()),
      static_cast<unsigned long long>(uncached.cacheMisses()));
  return 0;
}

}  // namespace ozgbus::bench
