// The shape a signature must have before any cryptography runs. Stricter than XML-DSig and
// than xmlsec's defaults: exactly one ds:Signature, a child of the document element; one
// Reference with URI="" (the whole document, so nothing can be wrapped around or beside the
// signed part); transforms exactly enveloped + exclusive C14N; RSA-SHA256 or ECDSA-SHA256 over
// SHA-256; the key only as one X509Certificate; no ds:Object, no DOCTYPE.
#pragma once

#include <libxml/tree.h>

#include <string>

#include "core/result.h"

namespace ozgbus::dsig {

struct SignatureParts {
  xmlNode* signature = nullptr;  // the ds:Signature to verify
  std::string certificate_der;   // the signer's certificate as carried in X509Data
};

// SIGNATURE_MISSING, SIGNATURE_POLICY, ALGORITHM_FORBIDDEN, CERT_UNTRUSTED (key given only as
// KeyValue) or XML_HOSTILE, each naming the element or algorithm at fault.
Result<SignatureParts> checkSignaturePolicy(xmlDoc* doc);

}  // namespace ozgbus::dsig
