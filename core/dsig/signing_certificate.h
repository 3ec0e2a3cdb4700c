// What a certificate must be to sign messages on the bus, beyond a chain to a trusted CA.
#pragma once

#include <filesystem>
#include <optional>

#include "core/dsig/openssl.h"
#include "core/result.h"

namespace ozgbus::dsig {

// A participant's or the broker's own certificate, not a CA's (no CA flag, no keyCertSign); meant
// for signing (keyUsage digitalSignature or nonRepudiation, when the certificate restricts its key
// usage at all); and a key nobody can forge with today: RSA of at least kMinRsaBits, or EC on a
// curve of at least kMinEcBits (P-256, brainpoolP256r1 and larger). CERT_UNTRUSTED naming the
// subject and the fault.
inline constexpr int kMinRsaBits = 2048;
inline constexpr int kMinEcBits = 256;
std::optional<Rejection> checkSigningCertificate(X509* cert);

// The same for a PEM certificate file (the broker checks its own at start).
std::optional<Rejection> checkSigningCertificateFile(const std::filesystem::path& pem);

}  // namespace ozgbus::dsig
