#include "core/dsig/verifier.h"

#include <openssl/sha.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/transforms.h>
#include <xmlsec/x509.h>

#include "core/dsig/signature_policy.h"
#include "core/dsig/signing_certificate.h"

namespace ozgbus::dsig {
namespace {

std::string sha256(const std::string& bytes) {
  std::string d(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(d.data()));
  return d;
}

Result<Key> xmlsecKeyOf(X509* cert) {
  EVP_PKEY* pkey = X509_get_pubkey(cert);  // a new reference, adopted below
  if (pkey == nullptr) return reject(v1::CERT_UNTRUSTED, "certificate has no usable public key");
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pkey);
  if (data == nullptr) {
    EvpPkey owner(pkey);
    return reject(v1::CERT_UNTRUSTED, "certificate key type is not supported");
  }
  Key key(xmlSecKeyCreate());
  if (!key || xmlSecKeySetValue(key.get(), data) < 0) {
    xmlSecKeyDataDestroy(data);
    return reject(v1::INTERNAL, "xmlSecKeySetValue failed");
  }
  return key;
}

DSigCtx verifyContext() {
  DSigCtx ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return ctx;
  // Belt and braces behind the policy check: xmlsec itself refuses any other URI or algorithm.
  ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
  const bool ok =
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformEnvelopedId) == 0 &&
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformExclC14NId) == 0 &&
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha256Id) == 0 &&
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformExclC14NId) == 0 &&
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformRsaSha256Id) == 0 &&
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformEcdsaSha256Id) == 0 &&
      xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
                       const_cast<void*>(static_cast<const void*>(xmlSecKeyDataX509Id))) == 0;
  if (!ok) ctx.reset();
  return ctx;
}

}  // namespace

Result<const Verifier::Cached*> Verifier::trustedKey(
    const std::string& der, const TrustStore& trust,
    std::optional<std::chrono::system_clock::time_point> received_at) {
  if (trust.generation() != generation_) {
    cache_.clear();
    generation_ = trust.generation();
  }
  const std::string digest = sha256(der);
  const auto now = std::chrono::steady_clock::now();
  const bool cached = !received_at;
  if (auto it = cached ? cache_.find(digest) : cache_.end(); it != cache_.end()) {
    if (now < it->second.until) {
      ++hits_;
      return &it->second;
    }
    cache_.erase(it);
  }
  if (cached) ++misses_;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    return reject(v1::CERT_UNTRUSTED,
                  "ds:X509Certificate is not a DER certificate: " + lastOpensslError());
  }
  if (auto r = trust.verify(cert.get(), received_at)) return *r;
  if (auto r = checkSigningCertificate(cert.get())) return *r;
  auto key = xmlsecKeyOf(cert.get());
  if (!key) return key.rejection();
  if (!cached) {
    uncached_ = Cached{std::move(*key),
                       {subjectOf(cert.get()), commonNameOf(cert.get()), issuerOf(cert.get())},
                       now};
    return &uncached_;
  }
  // Checked again after the TTL (a new CRL may revoke it) and never past its notAfter.
  auto until = now + options_.cache_ttl;
  const auto left = notAfter(cert.get()) - std::chrono::system_clock::now();
  if (now + left < until)
    until = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
  if (cache_.size() >= options_.cache_entries) cache_.erase(cache_.begin());
  Cached entry{std::move(*key),
               {subjectOf(cert.get()), commonNameOf(cert.get()), issuerOf(cert.get())},
               until};
  return &cache_.insert_or_assign(digest, std::move(entry)).first->second;
}

Result<SignerInfo> Verifier::verify(
    xmlDoc* doc, const TrustStore& trust,
    std::optional<std::chrono::system_clock::time_point> received_at) {
  auto parts = checkSignaturePolicy(doc);
  if (!parts) return parts.rejection();
  auto cached = trustedKey(parts->certificate_der, trust, received_at);
  if (!cached) return cached.rejection();

  DSigCtx ctx = verifyContext();
  if (!ctx) return reject(v1::INTERNAL, "xmlsec context: " + lastXmlsecError());
  ctx->signKey = xmlSecKeyDuplicate((*cached)->key.get());  // the context owns and frees it
  if (ctx->signKey == nullptr) return reject(v1::INTERNAL, "xmlSecKeyDuplicate failed");
  lastXmlsecError();
  if (xmlSecDSigCtxVerify(ctx.get(), parts->signature) < 0) {
    return reject(v1::SIGNATURE_INVALID, "signature could not be processed: " + lastXmlsecError());
  }
  // A successful call only means the processing ran; the verdict is in the statuses.
  if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) {
    return reject(v1::SIGNATURE_POLICY, "exactly one ds:Reference must have been processed");
  }
  const auto* ref =
      static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
  if (ref == nullptr || ref->status != xmlSecDSigStatusSucceeded) {
    return reject(v1::SIGNATURE_INVALID,
                  "ds:DigestValue does not match the document: it was changed after signing");
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    return reject(v1::SIGNATURE_INVALID,
                  "ds:SignatureValue does not verify with the certificate's key (ds:SignedInfo "
                  "changed, or signed with another key)");
  }
  return (*cached)->signer;
}

}  // namespace ozgbus::dsig
