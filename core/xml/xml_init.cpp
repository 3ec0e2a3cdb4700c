#include "core/xml/xml_init.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <mutex>

namespace ozgbus::xml {
namespace {

xmlParserInputPtr refuseExternalEntity(const char* /*url*/, const char* /*id*/,
                                       xmlParserCtxtPtr /*ctxt*/) {
  return nullptr;
}

void ignoreGeneric(void* /*ctx*/, const char* /*msg*/, ...) {}
void ignoreStructured(void* /*ctx*/, xmlErrorPtr /*error*/) {}

}  // namespace

void initXml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(refuseExternalEntity);
  });
  quietXmlErrorsOnThisThread();
}

void quietXmlErrorsOnThisThread() {
  xmlSetGenericErrorFunc(nullptr, ignoreGeneric);
  xmlSetStructuredErrorFunc(nullptr, ignoreStructured);
}

}  // namespace ozgbus::xml
