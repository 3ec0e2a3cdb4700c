#include "core/dsig/signer.h"

#include <openssl/pem.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmltree.h>

#include <cstring>
#include <vector>

#include "core/dsig/algorithms.h"
#include "core/dsig/openssl.h"
#include "core/xml/libxml.h"

namespace ozgbus::dsig {
namespace {

const xmlChar* u(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

std::string base64Der(X509* cert) {
  const int n = i2d_X509(cert, nullptr);
  std::vector<unsigned char> der(static_cast<std::size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(cert, &p);
  std::string b64(static_cast<std::size_t>(4 * ((n + 2) / 3)) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(), n);
  b64.resize(static_cast<std::size_t>(len));
  std::string wrapped = "\n";  // 64 columns, as PEM and the xmlsec1 tool write it
  for (std::size_t i = 0; i < b64.size(); i += 64) wrapped += b64.substr(i, 64) + "\n";
  return wrapped;
}

void removeSignatures(xmlNode* root) {
  for (xmlNode* c = root->children; c != nullptr;) {
    xmlNode* next = c->next;
    if (c->type == XML_ELEMENT_NODE && c->ns != nullptr &&
        std::strcmp(xml::chars(c->ns->href), kDsigNs) == 0 &&
        std::strcmp(xml::chars(c->name), "Signature") == 0) {
      xmlUnlinkNode(c);
      xml::Node owner(c);
    }
    c = next;
  }
}

}  // namespace

Result<std::shared_ptr<const Signer>> Signer::load(const std::filesystem::path& key_file,
                                                   const std::filesystem::path& cert_file) {
  auto s = std::make_shared<Signer>();
  auto cert = readPemCertificate(cert_file);
  if (!cert) return cert.rejection();
  s->key_.reset(
      xmlSecCryptoAppKeyLoad(key_file.c_str(), xmlSecKeyDataFormatPem, nullptr, nullptr, nullptr));
  if (!s->key_) {
    return reject(v1::INTERNAL,
                  "cannot load signing key " + key_file.string() + ": " + lastXmlsecError());
  }
  EVP_PKEY* pkey = xmlSecOpenSSLEvpKeyDataGetEvp(xmlSecKeyGetValue(s->key_.get()));
  if (pkey == nullptr || X509_check_private_key(cert->get(), pkey) != 1) {
    lastOpensslError();
    return reject(v1::INTERNAL, cert_file.string() + " does not belong to " + key_file.string());
  }
  const int type = EVP_PKEY_get_base_id(pkey);
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
    return reject(v1::INTERNAL, key_file.string() + ": only RSA and EC P-256 keys can sign");
  }
  s->ecdsa_ = type == EVP_PKEY_EC;
  s->subject_ = subjectOf(cert->get());
  s->certificate_b64_ = base64Der(cert->get());
  return std::shared_ptr<const Signer>(std::move(s));
}

std::optional<Rejection> Signer::sign(xmlDoc* doc) const {
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return reject(v1::INTERNAL, "nothing to sign: no document element");
  removeSignatures(root);
  xmlNode* sig = xmlSecTmplSignatureCreateNsPref(
      doc, xmlSecTransformExclC14NId,
      ecdsa_ ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id, nullptr, u("ds"));
  if (sig == nullptr) return reject(v1::INTERNAL, "signature template: " + lastXmlsecError());
  xmlAddChild(root, sig);
  xmlNode* ref =
      xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, u(""), nullptr);
  if (ref == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr) {
    return reject(v1::INTERNAL, "signature template: " + lastXmlsecError());
  }
  DSigCtx ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return reject(v1::INTERNAL, "xmlsec context: " + lastXmlsecError());
  ctx->signKey = xmlSecKeyDuplicate(key_.get());
  if (ctx->signKey == nullptr || xmlSecDSigCtxSign(ctx.get(), sig) < 0 ||
      ctx->status != xmlSecDSigStatusSucceeded) {
    return reject(v1::INTERNAL, "signing failed: " + lastXmlsecError());
  }
  // KeyInfo is outside what the signature covers, so it is added after signing, with the
  // certificate's encoding made once at load.
  xmlNode* key_info = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
  xmlNode* x509 = key_info != nullptr ? xmlSecTmplKeyInfoAddX509Data(key_info) : nullptr;
  xmlNode* cert =
      x509 != nullptr ? xmlSecAddChild(x509, u("X509Certificate"), u(kDsigNs)) : nullptr;
  if (cert == nullptr) return reject(v1::INTERNAL, "KeyInfo: " + lastXmlsecError());
  xmlNodeAddContentLen(cert, u(certificate_b64_.c_str()),
                       static_cast<int>(certificate_b64_.size()));
  return std::nullopt;
}

std::string serialize(xmlDoc* doc) {
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
  xml::XmlString owner(mem);
  return mem != nullptr ? std::string(xml::chars(mem), static_cast<std::size_t>(size))
                        : std::string();
}

}  // namespace ozgbus::dsig
