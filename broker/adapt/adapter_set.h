// AdapterSet: every adapter found in the configured folders, loaded at start with its
// stylesheets compiled once; then only read, by any number of worker threads. A reload builds
// a new set and swaps it in through CurrentAdapters; a set that fails to load is never used.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <libxml/tree.h>

#include "broker/adapt/adapter_manifest.h"
#include "broker/adapt/xslt.h"
#include "core/result.h"
#include "core/util/snapshot.h"
#include "core/xml/libxml.h"

namespace ozgbus::broker {

struct CompiledMapping {
  AdapterMapping spec;
  std::shared_ptr<xsltStylesheet> style;       // null: pass through
  std::vector<std::string> parameter_storage;  // names and values, kept for the pointers below
  std::vector<const char*> parameters;         // name, value, ..., nullptr (xsltQuoteUserParams)
};

struct Adapter {
  AdapterManifest manifest;
  std::vector<CompiledMapping> mappings;

  const CompiledMapping* find(const std::string& input_namespace, const std::string& type) const;
  std::string describeMappings() const;  // "urn:…:gewerbe:1.0/0100 → urn:…:gewerbe:2.0/0100, …"
};

class AdapterSet {
 public:
  // Each folder holds adapter folders (each with an adapter.toml). Errors name file and key, or
  // the stylesheet and libxslt's complaint.
  static Result<std::shared_ptr<const AdapterSet>> load(
      const std::vector<std::filesystem::path>& folders);

  // The adapter with the longest ARS prefix of the reader's digits; null if none serves it.
  const Adapter* forReader(const std::string& ars_digits) const;
  const std::vector<Adapter>& adapters() const { return adapters_; }

  // Runs one mapping's stylesheet on a document, under a security policy that forbids reading
  // files, the network and writing anything. ADAPTER_FAILED with the stylesheet's message.
  static Result<xml::Doc> translate(const CompiledMapping& mapping, xmlDoc* input);

 private:
  std::vector<Adapter> adapters_;
};

using CurrentAdapters = util::Snapshot<AdapterSet>;

}  // namespace ozgbus::broker
