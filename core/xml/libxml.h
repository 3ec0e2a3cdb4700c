// Owners for libxml2 handles. The only place in ozgbus that calls libxml2's free functions.
// Each owner is a std::unique_ptr: movable, not copyable, and as thread-safe as the handle it
// holds (a document may be read by one thread at a time).
#pragma once

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>

namespace ozgbus::xml {

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct ParserCtxtDeleter {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* s) const { xmlFree(s); }
};

struct SchemaParserCtxtDeleter {
  void operator()(xmlSchemaParserCtxt* c) const { xmlSchemaFreeParserCtxt(c); }
};
struct SchemaDeleter {
  void operator()(xmlSchema* s) const { xmlSchemaFree(s); }
};
struct SchemaValidCtxtDeleter {
  void operator()(xmlSchemaValidCtxt* c) const { xmlSchemaFreeValidCtxt(c); }
};
struct NodeDeleter {
  void operator()(xmlNode* n) const { xmlFreeNode(n); }  // an unlinked node and its subtree
};
struct CatalogDeleter {
  void operator()(xmlCatalog* c) const { xmlFreeCatalog(c); }
};

struct XPathCompExprDeleter {
  void operator()(xmlXPathCompExpr* e) const { xmlXPathFreeCompExpr(e); }
};
struct XPathContextDeleter {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct XPathObjectDeleter {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};

using Doc = std::unique_ptr<xmlDoc, DocDeleter>;
using XPathCompExpr = std::unique_ptr<xmlXPathCompExpr, XPathCompExprDeleter>;
using XPathContext = std::unique_ptr<xmlXPathContext, XPathContextDeleter>;
using XPathObject = std::unique_ptr<xmlXPathObject, XPathObjectDeleter>;
using SchemaParserCtxt = std::unique_ptr<xmlSchemaParserCtxt, SchemaParserCtxtDeleter>;
using Schema = std::unique_ptr<xmlSchema, SchemaDeleter>;
using SchemaValidCtxt = std::unique_ptr<xmlSchemaValidCtxt, SchemaValidCtxtDeleter>;
using Catalog = std::unique_ptr<xmlCatalog, CatalogDeleter>;
using Node = std::unique_ptr<xmlNode, NodeDeleter>;
using ParserCtxt = std::unique_ptr<xmlParserCtxt, ParserCtxtDeleter>;
using XmlString = std::unique_ptr<xmlChar, XmlCharDeleter>;

// The full text content of a node (all descendant text, comments skipped), so that a comment
// splitting a value cannot change what the bus reads.
inline std::string textContent(const xmlNode* node) {
  XmlString s(xmlNodeGetContent(node));
  return s ? std::string(reinterpret_cast<const char*>(s.get())) : std::string();
}

inline const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

}  // namespace ozgbus::xml
