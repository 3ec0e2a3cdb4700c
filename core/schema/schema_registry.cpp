#include "core/schema/schema_registry.h"

#include <libxml/xmlerror.h>

#include <algorithm>
#include <map>

#include "core/xml/load_scope.h"

namespace ozgbus::schema {
namespace {

namespace fs = std::filesystem;

std::string trimmed(const char* msg) {
  std::string s = msg != nullptr ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// file:///a/b -> /a/b; other schemes stay as they are (and are refused later).
std::string localPath(const std::string& uri) {
  if (uri.rfind("file://", 0) == 0) return uri.substr(7);
  return uri;
}

// Resolves through the catalogs; local files are allowed only below the folders of the catalog
// files and of the files they mapped to (so relative imports work, also one that climbs from the
// mapped schema to a shared folder beside it, and nothing else on the disk is readable).
class Resolver {
 public:
  Resolver(const std::vector<xml::Catalog>& catalogs, const std::vector<fs::path>& catalog_files)
      : catalogs_(catalogs) {
    for (const auto& file : catalog_files) allowFolderOf(fs::absolute(file).string());
  }

  std::optional<std::string> operator()(const std::string& url) {
    for (const auto& catalog : catalogs_) {
      for (auto* fn : {&xmlACatalogResolveURI, &xmlACatalogResolveSystem}) {
        xml::XmlString hit(fn(catalog.get(), reinterpret_cast<const xmlChar*>(url.c_str())));
        if (hit) return allowFolderOf(localPath(xml::chars(hit.get())));
      }
    }
    const std::string path = localPath(url);
    if (path.empty() || path.front() != '/') {
      why_[url] = "not in the catalogs, and never fetched";
      return std::nullopt;
    }
    const std::string canonical = fs::weakly_canonical(path).string();
    if (!fs::exists(canonical)) {
      why_[url] = "no such file";
      return std::nullopt;
    }
    for (const auto& root : roots_) {
      if (canonical.rfind(root, 0) == 0) return canonical;
    }
    std::string folders;
    for (const auto& root : roots_) folders += (folders.empty() ? "" : ", ") + root;
    why_[url] = "outside the folders the catalogs map: " + folders;
    return std::nullopt;
  }

  // Why url was refused, for the error.
  std::string why(const std::string& url) const {
    const auto it = why_.find(url);
    return it == why_.end() ? "not in the catalogs, and never fetched" : it->second;
  }

 private:
  std::string allowFolderOf(const std::string& path) {
    const std::string canonical = fs::weakly_canonical(path).string();
    const std::string root = fs::path(canonical).parent_path().string() + "/";
    if (std::find(roots_.begin(), roots_.end(), root) == roots_.end()) roots_.push_back(root);
    return canonical;
  }

  const std::vector<xml::Catalog>& catalogs_;
  std::vector<std::string> roots_;
  std::map<std::string, std::string> why_;
};

void collect(void* ctx, xmlErrorPtr e) {
  auto* errors = static_cast<std::vector<std::string>*>(ctx);
  if (e == nullptr || e->level < XML_ERR_ERROR) return;  // warnings: the refused list says more
  std::string where = e->file != nullptr ? e->file : "";
  if (e->line > 0) where += (where.empty() ? "line " : ":") + std::to_string(e->line);
  errors->push_back((where.empty() ? "" : where + ": ") + trimmed(e->message));
}

struct ValidationErrors {
  std::vector<std::string> shown;
  std::size_t total = 0;
};

void collectValidation(void* ctx, xmlErrorPtr e) {
  auto* errors = static_cast<ValidationErrors*>(ctx);
  if (e == nullptr) return;
  if (++errors->total > SchemaValidator::kMaxErrors) return;
  std::string path;
  if (e->node != nullptr) {
    xml::XmlString p(xmlGetNodePath(static_cast<xmlNode*>(e->node)));
    if (p) path = xml::chars(p.get());
  }
  errors->shown.push_back("line " + std::to_string(e->line) + (path.empty() ? "" : ", " + path) +
                          ": " + trimmed(e->message));
}

}  // namespace

std::atomic<std::uint64_t> SchemaRegistry::compilations_{0};

Result<std::shared_ptr<const SchemaRegistry>> SchemaRegistry::load(const SchemaSetSpec& spec) {
  std::vector<xml::Catalog> catalogs;
  for (const auto& file : spec.catalogs) {
    if (!fs::exists(file)) {
      return reject(v1::SCHEMA_UNKNOWN, "schema catalog " + file.string() + " does not exist");
    }
    xml::Catalog c(xmlLoadACatalog(fs::absolute(file).c_str()));
    if (!c)
      return reject(v1::SCHEMA_UNKNOWN, "schema catalog " + file.string() + " cannot be read");
    catalogs.push_back(std::move(c));
  }

  auto registry = std::make_shared<SchemaRegistry>();
  for (const std::string& ns : spec.namespaces) {
    Resolver resolver(catalogs, spec.catalogs);
    auto entry = resolver(ns);
    if (!entry) {
      return reject(v1::SCHEMA_UNKNOWN, "namespace " + ns +
                                            ": no catalog maps it to a schema (a <uri name=\"" +
                                            ns + "\"> entry)");
    }
    std::vector<std::string> errors;
    xml::Schema schema;
    xml::LoadScope scope([&resolver](const std::string& url) { return resolver(url); });
    {
      xml::SchemaParserCtxt ctxt(xmlSchemaNewParserCtxt(entry->c_str()));
      xmlSchemaSetParserStructuredErrors(ctxt.get(), collect, &errors);
      schema.reset(xmlSchemaParse(ctxt.get()));
      ++compilations_;
    }
    std::string problem;
    for (const auto& url : scope.refused()) {
      problem += "; unresolved: " + url + " (" + resolver.why(url) + ")";
    }
    if (!schema || !problem.empty()) {
      for (std::size_t i = 0; i < errors.size() && i < 5; ++i) problem += "; " + errors[i];
      if (problem.empty()) problem = "; the schema does not compile";
      return reject(v1::SCHEMA_INVALID, "namespace " + ns + " (" + *entry + ")" + problem);
    }
    registry->schemas_.emplace(ns, std::move(schema));
  }
  return std::shared_ptr<const SchemaRegistry>(std::move(registry));
}

const xmlSchema* SchemaRegistry::find(const std::string& namespace_uri) const {
  auto it = schemas_.find(namespace_uri);
  return it == schemas_.end() ? nullptr : it->second.get();
}

std::vector<std::string> SchemaRegistry::namespaces() const {
  std::vector<std::string> out;
  for (const auto& [ns, s] : schemas_) out.push_back(ns);
  return out;
}

std::optional<Rejection> SchemaValidator::validate(
    const std::shared_ptr<const SchemaRegistry>& registry, xmlDoc* doc) {
  if (registry != registry_) {
    contexts_.clear();
    registry_ = registry;
  }
  const xmlNode* root = xmlDocGetRootElement(doc);
  const std::string ns = root != nullptr && root->ns != nullptr ? xml::chars(root->ns->href) : "";
  const xmlSchema* schema = registry->find(ns);
  if (schema == nullptr) {
    std::string known;
    for (const auto& n : registry->namespaces()) known += (known.empty() ? "" : ", ") + n;
    return reject(v1::SCHEMA_UNKNOWN, "no schema registered for namespace '" + ns + "' of <" +
                                          (root ? xml::chars(root->name) : "") + "> (registered: " +
                                          (known.empty() ? "none" : known) + ")");
  }
  auto& ctxt = contexts_[schema];
  if (!ctxt) ctxt.reset(xmlSchemaNewValidCtxt(const_cast<xmlSchema*>(schema)));
  ValidationErrors errors;
  xmlSchemaSetValidStructuredErrors(ctxt.get(), collectValidation, &errors);
  const int rc = xmlSchemaValidateDoc(ctxt.get(), doc);
  if (rc == 0) return std::nullopt;
  std::string detail;
  for (const auto& e : errors.shown) detail += (detail.empty() ? "" : "; ") + e;
  if (errors.total > errors.shown.size()) {
    detail += "; and " + std::to_string(errors.total - errors.shown.size()) + " more errors";
  }
  if (detail.empty()) detail = "validation failed (libxml2 code " + std::to_string(rc) + ")";
  return reject(v1::SCHEMA_INVALID, detail);
}

}  // namespace ozgbus::schema
