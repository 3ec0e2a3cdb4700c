#include "core/xml/secure_parser.h"

#include <libxml/xmlerror.h>

#include <string>

#include "core/xml/prescan.h"

namespace ozgbus::xml {
namespace {

// No XML_PARSE_NOENT (entities stay unexpanded), no XML_PARSE_DTDLOAD / DTDATTR / DTDVALID,
// no XML_PARSE_HUGE (keeps libxml2's own size and depth guards), no XInclude. The bytes are read
// as UTF-8 whatever the document declares (IGNORE_ENC with the encoding given): the parser
// cannot switch to an encoding the prescan did not see.
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_IGNORE_ENC;

std::string describe(const xmlError* e) {
  if (e == nullptr || e->message == nullptr) return "document is not well-formed XML";
  std::string msg = e->message;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return "line " + std::to_string(e->line) + ", column " + std::to_string(e->int2) + ": " + msg;
}

}  // namespace

Result<Doc> parseSecure(std::string_view bytes, const XmlLimits& limits) {
  if (auto refused = prescan(bytes, limits)) return *refused;
  if (bytes.empty()) return reject(v1::XML_MALFORMED, "empty document");

  ParserCtxt ctxt(xmlNewParserCtxt());
  if (!ctxt) return reject(v1::INTERNAL, "out of memory creating a parser");
  Doc doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()),
                            "submission.xml", "UTF-8", kParseOptions));
  if (!doc || ctxt->wellFormed == 0) {
    return reject(v1::XML_MALFORMED, describe(xmlCtxtGetLastError(ctxt.get())));
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return reject(v1::XML_HOSTILE, "DOCTYPE is not allowed");
  }
  if (xmlDocGetRootElement(doc.get()) == nullptr) {
    return reject(v1::XML_MALFORMED, "document has no root element");
  }
  return doc;
}

}  // namespace ozgbus::xml
