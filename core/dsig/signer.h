// Signer: the broker's own signing key. Loaded once (key, certificate, the certificate's
// base64 precomputed), then shared read-only by every worker thread; sign() keeps its
// per-call state on the stack.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <libxml/tree.h>

#include "core/dsig/xmlsec.h"
#include "core/result.h"

namespace ozgbus::dsig {

class Signer {
 public:
  // PEM private key (RSA or EC P-256) and its certificate; they must belong together.
  static Result<std::shared_ptr<const Signer>> load(const std::filesystem::path& key_file,
                                                    const std::filesystem::path& cert_file);

  // Replaces any ds:Signature under the document element by an enveloped signature over the
  // whole document (exclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256, X509Certificate).
  std::optional<Rejection> sign(xmlDoc* doc) const;

  const std::string& subject() const { return subject_; }
  bool ecdsa() const { return ecdsa_; }

 private:
  Key key_;
  bool ecdsa_ = false;
  std::string subject_;
  std::string certificate_b64_;  // inserted as text, not re-encoded per message
};

// The document as UTF-8 bytes, exactly as signed (no reformatting).
std::string serialize(xmlDoc* doc);

}  // namespace ozgbus::dsig
