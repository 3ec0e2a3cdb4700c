#include "client/signing.h"

#include "core/xml/secure_parser.h"

namespace ozgbus::client {

Result<std::string> signDocument(std::string_view xml, const dsig::Signer& signer) {
  auto doc = xml::parseSecure(xml, {});
  if (!doc) return doc.rejection();
  if (auto r = signer.sign(doc->get())) return *r;
  return dsig::serialize(doc->get());
}

}  // namespace ozgbus::client
