// SchemaRegistry: namespace -> compiled XSD, for every namespace the configuration names.
// Compiled once by load(), then read-only: any number of threads may validate against it at
// once, each with its own SchemaValidator. Imports and includes are resolved only through the
// configured XML catalogs (files beside them); nothing is fetched, and an instance's
// xsi:schemaLocation is never followed. Reloading builds a new registry; the old one stays in
// force until the new one has loaded completely.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/util/snapshot.h"
#include "core/xml/libxml.h"

namespace ozgbus::schema {

struct SchemaSetSpec {
  std::vector<std::filesystem::path> catalogs;  // OASIS XML catalogs, tried in order
  std::vector<std::string> namespaces;          // each resolved to its entry schema (catalog uri)
};

class SchemaRegistry {
 public:
  // Compiles every namespace's schema. The rejection names the namespace, the file and line of
  // a schema error, and every URL the catalogs could not resolve.
  static Result<std::shared_ptr<const SchemaRegistry>> load(const SchemaSetSpec& spec);

  // nullptr when the namespace is not registered.
  const xmlSchema* find(const std::string& namespace_uri) const;
  std::vector<std::string> namespaces() const;

  // Schemas compiled by this process so far (all registries): proves nothing compiles per message.
  static std::uint64_t compilations() { return compilations_.load(); }

 private:
  std::map<std::string, xml::Schema> schemas_;
  static std::atomic<std::uint64_t> compilations_;
};

// The registry in force. get() and replace() are safe from any threads: a reload swaps
// the whole registry; validations already running finish against the one they started with.
using CurrentRegistry = util::Snapshot<SchemaRegistry>;

// Validates documents against a registry's schemas. One per thread; reuses its libxml2
// validation contexts between messages.
class SchemaValidator {
 public:
  static constexpr std::size_t kMaxErrors = 10;

  // Empty when valid. SCHEMA_UNKNOWN when the document element's namespace is not registered;
  // SCHEMA_INVALID listing up to kMaxErrors errors as "line N, <element path>: <message>".
  std::optional<Rejection> validate(const std::shared_ptr<const SchemaRegistry>& registry,
                                    xmlDoc* doc);

 private:
  std::map<const xmlSchema*, xml::SchemaValidCtxt> contexts_;
  std::shared_ptr<const SchemaRegistry> registry_;  // kept alive: contexts_ point into it
};

}  // namespace ozgbus::schema
