#include "core/dsig/signature_policy.h"

#include <xmlsec/base64.h>

#include <cstring>
#include <optional>
#include <vector>

#include "core/dsig/algorithms.h"
#include "core/xml/libxml.h"

namespace ozgbus::dsig {
namespace {

bool isDsig(const xmlNode* n, const char* local) {
  return n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
         std::strcmp(xml::chars(n->ns->href), kDsigNs) == 0 &&
         (local == nullptr || std::strcmp(xml::chars(n->name), local) == 0);
}

std::vector<xmlNode*> elementChildren(xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

void collectSignatures(xmlNode* n, std::vector<xmlNode*>& out) {
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (isDsig(n, "Signature")) out.push_back(n);
    collectSignatures(n->children, out);
  }
}

std::string attr(const xmlNode* n, const char* name) {
  xml::XmlString v(xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name)));
  return v ? xml::chars(v.get()) : std::string();
}

bool hasAttr(const xmlNode* n, const char* name) {
  return xmlHasNsProp(n, reinterpret_cast<const xmlChar*>(name), nullptr) != nullptr;
}

Rejection policy(const std::string& what) { return reject(v1::SIGNATURE_POLICY, what); }

Rejection forbidden(const char* element, const std::string& uri, const char* accepted) {
  return reject(v1::ALGORITHM_FORBIDDEN, std::string("ds:") + element + " Algorithm '" + uri +
                                             "' is not accepted (accepted: " + accepted + ")");
}

// A single expected ds: child at position i, or a policy rejection naming what was found.
Result<xmlNode*> expect(const std::vector<xmlNode*>& children, std::size_t i, const char* local,
                        const char* parent) {
  if (i >= children.size()) {
    return policy(std::string("ds:") + parent + " lacks ds:" + local);
  }
  if (!isDsig(children[i], local)) {
    return policy(std::string("ds:") + parent + ": expected ds:" + local + ", found <" +
                  xml::chars(children[i]->name) + ">");
  }
  return children[i];
}

std::optional<Rejection> checkSignedInfo(xmlNode* signed_info) {
  const auto c = elementChildren(signed_info);
  auto c14n = expect(c, 0, "CanonicalizationMethod", "SignedInfo");
  if (!c14n) return c14n.rejection();
  if (attr(*c14n, "Algorithm") != kExcC14n) {
    return forbidden("CanonicalizationMethod", attr(*c14n, "Algorithm"), "exclusive C14N");
  }
  auto method = expect(c, 1, "SignatureMethod", "SignedInfo");
  if (!method) return method.rejection();
  const std::string alg = attr(*method, "Algorithm");
  if (alg != kRsaSha256 && alg != kEcdsaSha256) {
    return forbidden("SignatureMethod", alg, "rsa-sha256, ecdsa-sha256");
  }
  if (!elementChildren(*method).empty()) {
    return forbidden("SignatureMethod", alg + " with parameters", "rsa-sha256, ecdsa-sha256");
  }
  if (c.size() != 3) {
    return policy("ds:SignedInfo must hold exactly one ds:Reference, found " +
                  std::to_string(c.size() < 2 ? 0 : c.size() - 2));
  }
  auto ref = expect(c, 2, "Reference", "SignedInfo");
  if (!ref) return ref.rejection();
  if (!hasAttr(*ref, "URI") || !attr(*ref, "URI").empty()) {
    return policy("ds:Reference URI='" + attr(*ref, "URI") +
                  "': only URI=\"\" (the whole document) is accepted");
  }
  const auto rc = elementChildren(*ref);
  auto transforms = expect(rc, 0, "Transforms", "Reference");
  if (!transforms) return transforms.rejection();
  const auto t = elementChildren(*transforms);
  for (xmlNode* tr : t) {
    const std::string a = attr(tr, "Algorithm");
    if (!isDsig(tr, "Transform"))
      return policy("ds:Transforms holds <" + std::string(xml::chars(tr->name)) + ">");
    if (a != kEnveloped && a != kExcC14n)
      return forbidden("Transform", a, "enveloped-signature, exclusive C14N");
  }
  if (t.size() != 2 || attr(t[0], "Algorithm") != kEnveloped ||
      attr(t[1], "Algorithm") != kExcC14n) {
    return policy("ds:Transforms must be exactly enveloped-signature then exclusive C14N");
  }
  auto digest = expect(rc, 1, "DigestMethod", "Reference");
  if (!digest) return digest.rejection();
  if (attr(*digest, "Algorithm") != kSha256) {
    return forbidden("DigestMethod", attr(*digest, "Algorithm"), "sha256");
  }
  auto value = expect(rc, 2, "DigestValue", "Reference");
  if (!value) return value.rejection();
  if (rc.size() != 3)
    return policy("ds:Reference holds more than Transforms, DigestMethod, DigestValue");
  return std::nullopt;
}

Result<std::string> certificateOf(xmlNode* key_info) {
  const auto k = elementChildren(key_info);
  for (xmlNode* n : k) {
    if (isDsig(n, "KeyValue") && k.size() == 1) {
      return reject(v1::CERT_UNTRUSTED,
                    "the signing key is given only as ds:KeyValue; keys are trusted only through "
                    "an X509Certificate that chains to the trust store");
    }
    if (!isDsig(n, "X509Data")) {
      return policy("ds:KeyInfo may hold only ds:X509Data, found <" +
                    std::string(xml::chars(n->name)) + ">");
    }
  }
  if (k.size() != 1) return policy("ds:KeyInfo must hold exactly one ds:X509Data");
  xmlNode* cert = nullptr;
  for (xmlNode* n : elementChildren(k[0])) {
    if (!isDsig(n, "X509Certificate")) continue;
    if (cert != nullptr) return policy("ds:X509Data holds more than one ds:X509Certificate");
    cert = n;
  }
  if (cert == nullptr) return policy("ds:X509Data holds no ds:X509Certificate");
  const std::string b64 = xml::textContent(cert);
  std::string der(b64.size() * 3 / 4 + 4, '\0');
  xmlSecSize n = 0;
  if (xmlSecBase64Decode_ex(reinterpret_cast<const xmlChar*>(b64.c_str()),
                            reinterpret_cast<xmlSecByte*>(der.data()),
                            static_cast<xmlSecSize>(der.size()), &n) < 0 ||
      n == 0) {
    return policy("ds:X509Certificate is not valid base64");
  }
  der.resize(n);
  return der;
}

}  // namespace

Result<SignatureParts> checkSignaturePolicy(xmlDoc* doc) {
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return reject(v1::XML_HOSTILE, "a signed document must not have a DOCTYPE");
  }
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return reject(v1::XML_MALFORMED, "no document element");
  std::vector<xmlNode*> signatures;
  collectSignatures(root, signatures);
  if (signatures.empty()) {
    return reject(v1::SIGNATURE_MISSING,
                  std::string("no ds:Signature in <") + xml::chars(root->name) + ">");
  }
  if (signatures.size() > 1) {
    return policy("the document holds " + std::to_string(signatures.size()) +
                  " ds:Signature elements; exactly one is accepted");
  }
  xmlNode* sig = signatures.front();
  if (sig->parent != root) {
    return policy(std::string("ds:Signature must be a child of the document element <") +
                  xml::chars(root->name) + ">, found under <" + xml::chars(sig->parent->name) +
                  ">");
  }
  const auto c = elementChildren(sig);
  auto signed_info = expect(c, 0, "SignedInfo", "Signature");
  if (!signed_info) return signed_info.rejection();
  if (auto r = checkSignedInfo(*signed_info)) return *r;
  auto value = expect(c, 1, "SignatureValue", "Signature");
  if (!value) return value.rejection();
  auto key_info = expect(c, 2, "KeyInfo", "Signature");
  if (!key_info) return key_info.rejection();
  if (c.size() != 3) {
    return policy(std::string("ds:Signature may not hold <") + xml::chars(c[3]->name) +
                  "> (no ds:Object or further content)");
  }
  auto der = certificateOf(*key_info);
  if (!der) return der.rejection();
  return SignatureParts{sig, std::move(*der)};
}

}  // namespace ozgbus::dsig
