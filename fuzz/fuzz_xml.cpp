// The byte-level scan and the secure parser: every submitted document meets them first.
// A document the scan lets through must not exceed the limits once parsed either.
#include <libxml/tree.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/xml/secure_parser.h"
#include "fuzz/fuzz_init.h"

namespace {

struct Counts {
  std::size_t depth = 0;
  std::size_t elements = 0;
};

void walk(const xmlNode* n, std::size_t depth, Counts& c) {
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    ++c.elements;
    if (depth > c.depth) c.depth = depth;
    walk(n->children, depth + 1, c);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return ozgbus::fuzz::initXmlForFuzzing(false);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ozgbus::xml::XmlLimits limits;
  auto doc =
      ozgbus::xml::parseSecure(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!doc) return 0;
  Counts c;
  walk(xmlDocGetRootElement(doc->get()), 1, c);
  // The scan promised these; a document past them got by it.
  if (c.depth > limits.max_depth || c.elements > limits.max_elements) std::abort();
  if ((*doc)->intSubset != nullptr) std::abort();
  return 0;
}
