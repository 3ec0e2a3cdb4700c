// TrustStore: the CA certificates and CRLs a signer's certificate must chain to. Built once
// from PEM files or folders, then only read (OpenSSL's X509_STORE is safe for concurrent
// verification); a reload builds a new one and swaps it in through CurrentTrustStore.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/dsig/openssl.h"
#include "core/result.h"
#include "core/util/snapshot.h"

namespace ozgbus::dsig {

class TrustStore {
 public:
  // Every *.pem in the given folders, and the given files, may hold certificates and CRLs.
  // With at least one CRL loaded, every certificate of a chain must have a current CRL.
  static Result<std::shared_ptr<const TrustStore>> load(
      const std::vector<std::filesystem::path>& paths);

  // The chain from cert to a trusted root checked now: validity periods, CRLs, CA flags.
  // CERT_EXPIRED, CERT_REVOKED or CERT_UNTRUSTED with what failed and for which subject.
  // received_at: the message arrived then, and was verified (a dead letter replayed); a
  // certificate that was valid then and has expired since is accepted, nothing else changes.
  std::optional<Rejection> verify(
      X509* cert, std::optional<std::chrono::system_clock::time_point> received_at = {}) const;

  // Whether a certificate of the store has this subject (RFC 2253, as subjectOf prints it).
  bool hasCertificateWithSubject(const std::string& subject) const {
    return subjects_.count(subject) != 0;
  }

  std::size_t certificates() const { return certificates_; }
  std::size_t crls() const { return crls_; }
  std::uint64_t generation() const { return generation_; }

 private:
  X509Store store_;
  std::set<std::string> subjects_;
  std::size_t certificates_ = 0;
  std::size_t crls_ = 0;
  std::uint64_t generation_ = 0;  // distinct per load: key caches drop entries of older ones
};

// The trust store in force; reload swaps it atomically, readers keep the one they hold.
using CurrentTrustStore = util::Snapshot<TrustStore>;

// The certificate's notAfter as a time point (system clock).
std::chrono::system_clock::time_point notAfter(X509* cert);

}  // namespace ozgbus::dsig
