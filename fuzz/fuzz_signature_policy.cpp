// The shape check that runs before any cryptography on a signed submission: it walks
// attacker-chosen ds:Signature trees and decodes the base64 certificate.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/dsig/signature_policy.h"
#include "core/xml/secure_parser.h"
#include "fuzz/fuzz_init.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return ozgbus::fuzz::initXmlForFuzzing(true); }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc =
      ozgbus::xml::parseSecure(std::string_view(reinterpret_cast<const char*>(data), size), {});
  if (!doc) return 0;
  (void)ozgbus::dsig::checkSignaturePolicy(doc->get());
  return 0;
}
