#include "broker/adapt/adapter_manifest.h"

#include <toml++/toml.h>
#include <set>

namespace ozgbus::broker {
namespace {

// Reads typed keys of one table and remembers the first problem, naming file and key.
class Keys {
 public:
  Keys(const toml::table& t, std::string file, std::string prefix, std::string& error)
      : t_(t), file_(std::move(file)), prefix_(std::move(prefix)), error_(error) {}

  std::string text(const char* key, bool required) {
    const toml::node* n = t_.get(key);
    if (n == nullptr) {
      if (required) fail(key, "is required");
      return {};
    }
    if (auto v = n->value<std::string>()) return *v;
    fail(key, "must be a string");
    return {};
  }

  bool flag(const char* key) {
    const toml::node* n = t_.get(key);
    if (n == nullptr) {
      fail(key, "is required");
      return false;
    }
    if (auto v = n->value<bool>()) return *v;
    fail(key, "must be true or false");
    return false;
  }

  void fail(const std::string& key, const std::string& what) {
    if (error_.empty()) error_ = file_ + ": " + prefix_ + key + " " + what;
  }

 private:
  const toml::table& t_;
  std::string file_;
  std::string prefix_;
  std::string& error_;
};

bool digits(const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; }

}  // namespace

Result<AdapterManifest> readAdapterManifest(const std::filesystem::path& folder) {
  const auto file = folder / "adapter.toml";
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return reject(v1::NO_ADAPTER_MAPPING, file.string() + ":" +
                                              std::to_string(e.source().begin.line) + ": " +
                                              std::string(e.description()));
  }
  std::string error;
  AdapterManifest m;
  m.folder = folder;
  Keys top(root, file.string(), "", error);
  m.name = top.text("name", true);
  m.description = top.text("description", true);
  m.pass_through_unmapped = top.flag("pass_through_unmapped");
  if (error.empty() && m.name != folder.filename().string()) {
    top.fail("name", "must equal the folder name '" + folder.filename().string() + "'");
  }
  if (const auto* prefixes = root["ars_prefixes"].as_array()) {
    for (const auto& p : *prefixes) {
      auto v = p.value<std::string>();
      if (!v || !digits(*v) || v->size() > 12)
        top.fail("ars_prefixes", "must hold strings of up to 12 digits");
      if (v) m.ars_prefixes.push_back(*v);
    }
  } else {
    top.fail("ars_prefixes", "is required (a list; [\"\"] serves every reader)");
  }
  const auto* mappings = root["mappings"].as_array();
  if (root.contains("mappings") && mappings == nullptr)
    top.fail("mappings", "must be [[mappings]] tables");
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; mappings != nullptr && i < mappings->size(); ++i) {
    const auto* t = (*mappings)[i].as_table();
    const std::string prefix = "mappings[" + std::to_string(i) + "].";
    if (t == nullptr) {
      top.fail(prefix, "must be a table");
      break;
    }
    Keys k(*t, file.string(), prefix, error);
    AdapterMapping a;
    a.input = k.text("input", true);
    a.message_type = k.text("message_type", true);
    a.output = k.text("output", true);
    a.output_type = k.text("output_type", true);
    if (const std::string s = k.text("stylesheet", false); !s.empty()) {
      a.stylesheet = folder / s;
      if (!std::filesystem::is_regular_file(a.stylesheet))
        k.fail("stylesheet", "'" + s + "' does not exist");
    } else if (a.input != a.output || a.message_type != a.output_type) {
      k.fail("stylesheet", "is required when output or output_type differ from the input");
    }
    if (const auto* params = t->get_as<toml::table>("parameters")) {
      for (const auto& [key, value] : *params) {
        auto v = value.value<std::string>();
        if (!v) k.fail("parameters." + std::string(key.str()), "must be a string");
        a.parameters[std::string(key.str())] = v.value_or("");
      }
    }
    if (!seen.insert({a.input, a.message_type}).second) {
      k.fail("input",
             "'" + a.input + "' with message_type '" + a.message_type + "' is mapped twice");
    }
    m.mappings.push_back(std::move(a));
  }
  if (!error.empty()) return reject(v1::NO_ADAPTER_MAPPING, error);
  return m;
}

}  // namespace ozgbus::broker
