// Verifier: checks a document's enveloped XML signature against the trust store. One per
// thread (it keeps an xmlsec context and a cache of certificates already chain-checked); the
// trust store is shared read-only. The document verified is the one the caller keeps reading,
// so what was checked is what the bus routes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

#include <libxml/tree.h>

#include "core/dsig/trust_store.h"
#include "core/dsig/xmlsec.h"
#include "core/result.h"

namespace ozgbus::dsig {

struct SignerInfo {
  std::string subject;      // RFC 2253, the form the participant registry uses
  std::string common_name;  // CN
  std::string issuer;       // RFC 2253: the CA that issued the certificate
};

struct VerifierOptions {
  std::size_t cache_entries = 1024;     // certificates kept per thread
  std::chrono::seconds cache_ttl{300};  // then the chain and CRLs are checked again
};

class Verifier {
 public:
  explicit Verifier(VerifierOptions options = {}) : options_(options) {}

  // The policy (signature_policy.h), the certificate's chain and fitness to sign, then xmlsec's
  // verification with that certificate's key only; the context's and the reference's status must
  // both say valid. received_at: as TrustStore::verify; such a check neither reads nor fills the
  // certificate cache.
  Result<SignerInfo> verify(xmlDoc* doc, const TrustStore& trust,
                            std::optional<std::chrono::system_clock::time_point> received_at = {});

  std::uint64_t cacheHits() const { return hits_; }
  std::uint64_t cacheMisses() const { return misses_; }

 private:
  struct Cached {
    Key key;
    SignerInfo signer;
    std::chrono::steady_clock::time_point until;
  };
  Result<const Cached*> trustedKey(
      const std::string& der, const TrustStore& trust,
      std::optional<std::chrono::system_clock::time_point> received_at);

  VerifierOptions options_;
  std::unordered_map<std::string, Cached> cache_;  // SHA-256 of the certificate's DER → key
  Cached uncached_;               // the last one checked for a message received earlier
  std::uint64_t generation_ = 0;  // trust store the cache was filled from
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace ozgbus::dsig
