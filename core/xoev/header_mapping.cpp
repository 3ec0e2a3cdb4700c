#include "core/xoev/header_mapping.h"

#include <libxml/xmlerror.h>
#include <libxml/xpathInternals.h>

#include <array>
#include <optional>
#include <utility>

#include "core/xml/libxml.h"

namespace ozgbus::xoev {
namespace {

struct Field {
  const char* key;
  std::string HeaderMapping::*expression;
  std::string Header::*out;
  bool required;
};

constexpr std::array<Field, 6> kFields = {{
    {"message_id", &HeaderMapping::message_id, &Header::message_uuid, true},
    {"message_type", &HeaderMapping::message_type, &Header::message_type, true},
    {"created", &HeaderMapping::created, &Header::created, true},
    {"author", &HeaderMapping::author, &Header::author, true},
    {"reader", &HeaderMapping::reader, &Header::reader, true},
    {"service", &HeaderMapping::service, &Header::service, false},
}};

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string lastXmlError(const char* fallback) {
  const xmlError* e = xmlGetLastError();
  std::string msg = e != nullptr && e->message != nullptr ? e->message : fallback;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

bool idCharacter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '@' || c == '-';
}

}  // namespace

bool HeaderMapping::builtinShape() const {
  for (const Field& f : kFields) {
    if (!(this->*f.expression).empty()) return false;
  }
  return true;
}

struct HeaderReader::Compiled {
  HeaderMapping mapping;
  std::array<xml::XPathCompExpr, kFields.size()> expressions;  // null: built-in or no service

  xml::XPathContext context(xmlDoc* doc) const {
    xml::XPathContext ctx(xmlXPathNewContext(doc));
    if (!ctx) return ctx;
    for (const auto& [prefix, uri] : mapping.prefixes) {
      xmlXPathRegisterNs(ctx.get(), reinterpret_cast<const xmlChar*>(prefix.c_str()),
                         reinterpret_cast<const xmlChar*>(uri.c_str()));
    }
    // Relative expressions start at the document element.
    ctx->node = xmlDocGetRootElement(doc);
    return ctx;
  }

  std::string name(const Field& f) const {
    return mapping.where + " " + f.key + " = \"" + mapping.*f.expression + "\"";
  }
};

HeaderReader::HeaderReader() = default;
HeaderReader::~HeaderReader() = default;
HeaderReader::HeaderReader(HeaderReader&&) noexcept = default;
HeaderReader& HeaderReader::operator=(HeaderReader&&) noexcept = default;

Result<HeaderReader> HeaderReader::compile(const HeaderMappings& mappings) {
  HeaderReader reader;
  // Every expression is tried once on an empty document: an unknown prefix or a result that is
  // not a node-set shows now, not on the first message.
  xml::Doc probe(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
  xmlDocSetRootElement(probe.get(), xmlNewNode(nullptr, reinterpret_cast<const xmlChar*>("x")));
  for (const HeaderMapping& m : mappings) {
    auto c = std::make_unique<Compiled>();
    c->mapping = m;
    if (m.namespaces.empty())
      return reject(v1::REASON_UNSPECIFIED, m.where + ": namespaces is empty");
    if (!m.builtinShape()) {
      auto ctx = c->context(probe.get());
      for (std::size_t i = 0; i < kFields.size(); ++i) {
        const Field& f = kFields[i];
        const std::string& text = m.*f.expression;
        if (text.empty()) {
          if (!f.required) continue;
          return reject(v1::REASON_UNSPECIFIED,
                        m.where + ": " + f.key +
                            " is missing (give all of message_id, message_type, created, author "
                            "and reader, or none for the nachrichtenkopf.g2g header)");
        }
        xmlResetLastError();
        c->expressions[i].reset(
            xmlXPathCtxtCompile(ctx.get(), reinterpret_cast<const xmlChar*>(text.c_str())));
        if (!c->expressions[i]) {
          return reject(v1::REASON_UNSPECIFIED,
                        c->name(f) + " is not XPath 1.0: " + lastXmlError("does not compile"));
        }
        xmlResetLastError();
        xml::XPathObject result(xmlXPathCompiledEval(c->expressions[i].get(), ctx.get()));
        if (!result) {
          return reject(v1::REASON_UNSPECIFIED, c->name(f) + ": " +
                                                    lastXmlError("cannot be evaluated") +
                                                    " (is every prefix in prefixes?)");
        }
        if (result->type != XPATH_NODESET) {
          return reject(v1::REASON_UNSPECIFIED,
                        c->name(f) +
                            " must select a node (an element or attribute), not compute "
                            "a value");
        }
      }
    }
    for (const std::string& ns : m.namespaces) {
      if (reader.by_namespace_.count(ns) != 0) {
        return reject(v1::REASON_UNSPECIFIED, m.where + ": namespace " + ns + " is served by " +
                                                  reader.by_namespace_[ns]->mapping.where +
                                                  " already");
      }
      reader.by_namespace_[ns] = c.get();
    }
    reader.compiled_.push_back(std::move(c));
  }
  return reader;
}

namespace {
std::string rootNamespace(const xmlNode* root) {
  return root != nullptr && root->ns != nullptr && root->ns->href != nullptr
             ? xml::chars(root->ns->href)
             : "";
}
}  // namespace

std::string HeaderReader::mappingFor(const xmlDoc* doc) const {
  const auto it = by_namespace_.find(rootNamespace(xmlDocGetRootElement(doc)));
  return it == by_namespace_.end() ? "the built-in nachrichtenkopf.g2g mapping"
                                   : it->second->mapping.where;
}

Result<Header> HeaderReader::read(const xmlDoc* doc) const {
  xmlDoc* d = const_cast<xmlDoc*>(doc);  // XPath contexts take a non-const document; read only
  const xmlNode* root = xmlDocGetRootElement(d);
  if (root == nullptr) return reject(v1::HEADER_MISSING, "document has no root element");
  const std::string ns = rootNamespace(root);
  const auto it = by_namespace_.find(ns);
  if (it == by_namespace_.end()) return readHeader(doc);
  const Compiled& c = *it->second;
  const HeaderMapping& m = c.mapping;

  Header h;
  if (m.builtinShape()) {
    auto g2g = readG2gFields(doc);
    if (!g2g) return g2g;
    h = std::move(*g2g);
  } else {
    h.root_name = xml::chars(root->name);
    h.namespace_uri = ns;
    auto ctx = c.context(d);
    if (!ctx) return reject(v1::INTERNAL, "out of memory evaluating the header mapping");
    std::size_t found = 0;
    std::optional<Rejection> first;
    for (std::size_t i = 0; i < kFields.size(); ++i) {
      if (!c.expressions[i]) continue;
      const Field& f = kFields[i];
      xml::XPathObject r(xmlXPathCompiledEval(c.expressions[i].get(), ctx.get()));
      const int n = r && r->nodesetval != nullptr ? r->nodesetval->nodeNr : 0;
      if (n > 0) ++found;
      if (first) continue;
      if (n != 1) {
        if (n == 0 && !f.required) continue;
        first = Rejection{v1::HEADER_INVALID, c.name(f) + " selects " + std::to_string(n) +
                                                  " nodes; exactly one is needed"};
        continue;
      }
      const xmlNode* node = r->nodesetval->nodeTab[0];
      std::string value = trimmed(xml::textContent(node));
      if (value.empty()) {
        first = Rejection{v1::HEADER_INVALID, c.name(f) + " selects an empty node (line " +
                                                  std::to_string(xmlGetLineNo(node)) + ")"};
        continue;
      }
      h.*f.out = std::move(value);
    }
    if (found == 0) {
      return reject(v1::HEADER_MISSING, "no header field of " + m.where + " is in this <" +
                                            h.root_name + "> (namespace " + ns + ")");
    }
    if (first) return *first;
  }

  const std::string id_key =
      m.builtinShape() ? std::string("nachrichtenUUID") : m.where + " message_id";
  if (m.id_format == IdFormat::kUuid) {
    if (auto bad = normaliseUuid(h.message_uuid, id_key)) return *bad;
  } else {
    bool ok = !h.message_uuid.empty() && h.message_uuid.size() <= m.max_id_length;
    for (const char ch : h.message_uuid) ok = ok && idCharacter(static_cast<unsigned char>(ch));
    if (!ok) {
      return reject(v1::HEADER_INVALID,
                    id_key + " '" + h.message_uuid.substr(0, 200) +
                        "' is not a message id: letters, digits and . _ : @ - only, at most " +
                        std::to_string(m.max_id_length) + " characters");
    }
  }
  if (m.type_from_root) {
    const auto dot = h.root_name.rfind('.');
    const std::string suffix = dot == std::string::npos ? "" : h.root_name.substr(dot + 1);
    if (suffix != h.message_type) {
      return reject(v1::HEADER_INVALID, "the message type " + h.message_type +
                                            " does not match the root element <" + h.root_name +
                                            "> (type_from_root in " + m.where + ")");
    }
  }
  return h;
}

}  // namespace ozgbus::xoev
