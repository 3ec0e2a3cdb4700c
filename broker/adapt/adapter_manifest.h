// AdapterManifest: what adapters/<name>/adapter.toml says — the ARS prefixes the adapter
// serves and, per (input namespace, message type), the translation. Read and checked; every
// problem names the file and the key (adapters/README.md documents the format).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace ozgbus::broker {

struct AdapterMapping {
  std::string input;         // namespace of the input root element
  std::string message_type;  // input nachrichtentyp code
  std::string output;        // namespace of the output root element
  std::string output_type;
  std::filesystem::path stylesheet;  // empty: pass through unchanged
  std::map<std::string, std::string> parameters;
};

struct AdapterManifest {
  std::filesystem::path folder;
  std::string name;
  std::string description;
  std::vector<std::string> ars_prefixes;
  bool pass_through_unmapped = false;
  std::vector<AdapterMapping> mappings;
};

Result<AdapterManifest> readAdapterManifest(const std::filesystem::path& folder);

}  // namespace ozgbus::broker
