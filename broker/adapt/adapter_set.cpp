#include "broker/adapt/adapter_set.h"

#include <libxslt/variables.h>
#include <libxslt/xsltutils.h>

#include <algorithm>
#include <cstdarg>
#include <fstream>
#include <mutex>
#include <sstream>

namespace ozgbus::broker {
namespace {

// libxslt reports through printf-style callbacks; this one appends to a std::string.
void collect(void* ctx, const char* fmt, ...) {
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  auto* out = static_cast<std::string*>(ctx);
  if (out->size() < 4000) *out += buf;
}

std::string oneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Reading files, the network and writing anything are refused while a stylesheet runs.
xsltSecurityPrefs* securityPrefs() {
  static const SecurityPrefs prefs = [] {
    SecurityPrefs p(xsltNewSecurityPrefs());
    for (auto option :
         {XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE, XSLT_SECPREF_CREATE_DIRECTORY,
          XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK}) {
      xsltSetSecurityPrefs(p.get(), option, xsltSecurityForbid);
    }
    return p;
  }();
  return prefs.get();
}

Result<std::shared_ptr<xsltStylesheet>> compile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return reject(v1::ADAPTER_FAILED, file.string() + ": cannot be read");
  const std::string bytes = text.str();
  // Read from memory: the process-wide entity loader would refuse the file (and any
  // xsl:import or xsl:include in it: stylesheets are self-contained).
  xml::Doc doc(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), file.c_str(), nullptr,
                             XML_PARSE_NONET));
  if (!doc) return reject(v1::ADAPTER_FAILED, file.string() + ": not well-formed XML");
  std::string errors;
  xsltSetGenericErrorFunc(&errors, collect);
  xsltStylesheet* style = xsltParseStylesheetDoc(doc.get());
  xsltSetGenericErrorFunc(nullptr, nullptr);
  if (style == nullptr || style->errors > 0) {
    if (style != nullptr) {
      style->doc = nullptr;  // still owned by `doc`
      xsltFreeStylesheet(style);
    }
    return reject(v1::ADAPTER_FAILED,
                  file.string() + ": not a usable XSLT 1.0 stylesheet: " + oneLine(errors));
  }
  doc.release();  // the stylesheet owns its document now
  return std::shared_ptr<xsltStylesheet>(style, StylesheetDeleter{});
}

Result<Adapter> loadAdapter(const std::filesystem::path& folder) {
  auto manifest = readAdapterManifest(folder);
  if (!manifest) return manifest.rejection();
  Adapter a{std::move(*manifest), {}};
  for (const AdapterMapping& spec : a.manifest.mappings) {
    CompiledMapping m{spec, nullptr, {}, {}};
    if (!spec.stylesheet.empty()) {
      auto style = compile(spec.stylesheet);
      if (!style) return style.rejection();
      m.style = std::move(*style);
    }
    for (const auto& [name, value] : spec.parameters) {
      m.parameter_storage.push_back(name);
      m.parameter_storage.push_back(value);
    }
    a.mappings.push_back(std::move(m));
  }
  // Pointers into the final storage, once nothing moves any more.
  for (CompiledMapping& m : a.mappings) {
    for (const std::string& s : m.parameter_storage) m.parameters.push_back(s.c_str());
    m.parameters.push_back(nullptr);
  }
  return a;
}

}  // namespace

const CompiledMapping* Adapter::find(const std::string& input_namespace,
                                     const std::string& type) const {
  for (const CompiledMapping& m : mappings) {
    if (m.spec.input == input_namespace && m.spec.message_type == type) return &m;
  }
  return nullptr;
}

std::string Adapter::describeMappings() const {
  std::string out;
  for (const CompiledMapping& m : mappings) {
    out += (out.empty() ? "" : ", ") + m.spec.input + "/" + m.spec.message_type + " -> " +
           m.spec.output + "/" + m.spec.output_type;
  }
  return out.empty() ? "none" : out;
}

Result<std::shared_ptr<const AdapterSet>> AdapterSet::load(
    const std::vector<std::filesystem::path>& folders) {
  static std::once_flag once;
  std::call_once(once, [] { xsltInit(); });
  auto set = std::make_shared<AdapterSet>();
  for (const auto& folder : folders) {
    if (!std::filesystem::is_directory(folder)) {
      return reject(v1::NO_ADAPTER_MAPPING, "adapters: " + folder.string() + " is not a folder");
    }
    std::vector<std::filesystem::path> found;
    for (const auto& e : std::filesystem::directory_iterator(folder)) {
      if (e.is_directory() && std::filesystem::exists(e.path() / "adapter.toml"))
        found.push_back(e.path());
    }
    std::sort(found.begin(), found.end());
    for (const auto& f : found) {
      auto a = loadAdapter(f);
      if (!a) return a.rejection();
      for (const Adapter& other : set->adapters_) {
        if (other.manifest.name == a->manifest.name) {
          return reject(v1::NO_ADAPTER_MAPPING,
                        "adapters: two adapters named '" + a->manifest.name + "'");
        }
      }
      set->adapters_.push_back(std::move(*a));
    }
  }
  return std::shared_ptr<const AdapterSet>(std::move(set));
}

const Adapter* AdapterSet::forReader(const std::string& ars_digits) const {
  const Adapter* best = nullptr;
  std::size_t best_len = 0;
  for (const Adapter& a : adapters_) {
    for (const std::string& p : a.manifest.ars_prefixes) {
      if (ars_digits.rfind(p, 0) == 0 && (best == nullptr || p.size() > best_len)) {
        best = &a;
        best_len = p.size();
      }
    }
  }
  return best;
}

Result<xml::Doc> AdapterSet::translate(const CompiledMapping& mapping, xmlDoc* input) {
  xsltStylesheet* style = mapping.style.get();
  TransformCtxt ctxt(xsltNewTransformContext(style, input));
  if (!ctxt) return reject(v1::ADAPTER_FAILED, "cannot create a transform context");
  std::string errors;
  xsltSetTransformErrorFunc(ctxt.get(), &errors, collect);
  xsltSetCtxtSecurityPrefs(securityPrefs(), ctxt.get());
  if (xsltQuoteUserParams(ctxt.get(), const_cast<const char**>(mapping.parameters.data())) != 0) {
    return reject(v1::ADAPTER_FAILED, mapping.spec.stylesheet.filename().string() +
                                          ": parameters rejected: " + oneLine(errors));
  }
  xml::Doc out(xsltApplyStylesheetUser(style, input, nullptr, nullptr, nullptr, ctxt.get()));
  if (!out || ctxt->state != XSLT_STATE_OK || xmlDocGetRootElement(out.get()) == nullptr) {
    return reject(v1::ADAPTER_FAILED,
                  mapping.spec.stylesheet.filename().string() + " failed: " +
                      (errors.empty() ? std::string("no output document") : oneLine(errors)));
  }
  return out;
}

}  // namespace ozgbus::broker
