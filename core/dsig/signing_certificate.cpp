#include "core/dsig/signing_certificate.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <string>

namespace ozgbus::dsig {

std::optional<Rejection> checkSigningCertificate(X509* cert) {
  const std::string who = "certificate '" + subjectOf(cert) + "'";
  const std::uint32_t usage = X509_get_key_usage(cert);  // UINT32_MAX: no keyUsage extension
  const bool signs_certificates = usage != UINT32_MAX && (usage & KU_KEY_CERT_SIGN) != 0;
  if ((X509_get_extension_flags(cert) & EXFLAG_CA) != 0 || signs_certificates) {
    return reject(
        v1::CERT_UNTRUSTED,
        who + " is a CA certificate; messages are signed with a participant's own certificate");
  }
  if (usage != UINT32_MAX && (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
    return reject(
        v1::CERT_UNTRUSTED,
        who + " is not for signing: its keyUsage has neither digitalSignature nor nonRepudiation");
  }
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) {
    lastOpensslError();
    return reject(v1::CERT_UNTRUSTED, who + " has no usable public key");
  }
  const int bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      if (bits >= kMinRsaBits) return std::nullopt;
      return reject(v1::CERT_UNTRUSTED, who + ": RSA key of " + std::to_string(bits) +
                                            " bits; at least " + std::to_string(kMinRsaBits) +
                                            " are required");
    case EVP_PKEY_EC:
      if (bits >= kMinEcBits) return std::nullopt;
      return reject(v1::CERT_UNTRUSTED, who + ": EC key on a " + std::to_string(bits) +
                                            "-bit curve; at least " + std::to_string(kMinEcBits) +
                                            " bits are required");
    default: {
      const char* type = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
      return reject(v1::CERT_UNTRUSTED,
                    who + ": its key is " + (type != nullptr ? type : "of an unknown type") +
                        "; messages are signed with RSA (PKCS #1 v1.5) or EC keys");
    }
  }
}

std::optional<Rejection> checkSigningCertificateFile(const std::filesystem::path& pem) {
  auto cert = readPemCertificate(pem);
  if (!cert) return cert.rejection();
  return checkSigningCertificate(cert->get());
}

}  // namespace ozgbus::dsig
