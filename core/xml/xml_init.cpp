#include "core/xml/xml_init.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemastypes.h>

#include <mutex>

#include "core/xml/load_scope.h"

namespace ozgbus::xml {
namespace {

// Everything libxml2 would fetch or open comes here. Outside a LoadScope: nothing.
xmlParserInputPtr loadExternalEntity(const char* url, const char* /*id*/, xmlParserCtxtPtr ctxt) {
  LoadScope* scope = LoadScope::current();
  if (scope == nullptr || url == nullptr) return nullptr;
  auto path = scope->resolve(url);
  return path ? xmlNewInputFromFile(ctxt, path->c_str()) : nullptr;
}

void ignoreGeneric(void* /*ctx*/, const char* /*msg*/, ...) {}
void ignoreStructured(void* /*ctx*/, xmlErrorPtr /*error*/) {}

}  // namespace

void initXml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(loadExternalEntity);
    xmlSchemaInitTypes();
    xmlInitializeCatalog();  // once, here: later catalog calls must not race to initialise it
    xmlCatalogSetDefaults(XML_CATA_ALLOW_NONE);
  });
  quietXmlErrorsOnThisThread();
}

void quietXmlErrorsOnThisThread() {
  xmlSetGenericErrorFunc(nullptr, ignoreGeneric);
  xmlSetStructuredErrorFunc(nullptr, ignoreStructured);
}

}  // namespace ozgbus::xml
