// ozgbus adapt: runs one adapter's translation offline, exactly as the broker's adapt stage
// would (same adapter choice by mapping, same security policy), and writes the result to
// stdout. With --config the adapters and schemas come from the broker's ozgbus.toml and the
// result is validated against the receiver's schema, as in the broker.
#include <iostream>

#include "broker/adapt/adapter_set.h"
#include "broker/config/config.h"
#include "client/cli/commands.h"
#include "client/cli/read_file.h"
#include "core/dsig/signer.h"
#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header_mapping.h"

namespace ozgbus::cli {
namespace {

struct AdaptArgs {
  std::string adapter;
  std::vector<std::string> folders;
  std::string config;
  std::string file;
};

int fail(const std::string& what, int code) {
  std::cerr << "ozgbus adapt: " << what << "\n";
  return code;
}

int runAdapt(const AdaptArgs& a) {
  std::vector<std::filesystem::path> folders(a.folders.begin(), a.folders.end());
  std::shared_ptr<const schema::SchemaRegistry> schemas;
  xoev::HeaderReader headers;
  if (!a.config.empty()) {
    auto c = broker::loadConfig(a.config);
    if (!c) return fail(c.rejection().detail, 2);
    auto compiled = xoev::HeaderReader::compile(c->headers);
    if (!compiled) return fail(compiled.rejection().detail, 2);
    headers = std::move(*compiled);
    folders.insert(folders.end(), c->adapter_folders.begin(), c->adapter_folders.end());
    auto registry = schema::SchemaRegistry::load({c->schemas.catalogs, c->schemas.namespaces});
    if (!registry) return fail(registry.rejection().toString(), 2);
    schemas = std::move(*registry);
  }
  if (folders.empty()) return fail("give --adapters FOLDER or --config ozgbus.toml", 2);
  auto set = broker::AdapterSet::load(folders);
  if (!set) return fail(set.rejection().detail, 2);
  const broker::Adapter* adapter = nullptr;
  for (const auto& candidate : (*set)->adapters()) {
    if (candidate.manifest.name == a.adapter) adapter = &candidate;
  }
  if (adapter == nullptr) return fail("no adapter named '" + a.adapter + "'", 2);

  auto xml = readFile(a.file);
  if (!xml) return fail("cannot read " + a.file, 2);
  auto doc = xml::parseSecure(*xml, {});
  if (!doc) return fail(a.file + ": " + doc.rejection().toString(), 1);
  auto header = headers.read(doc->get());
  if (!header) return fail(a.file + ": " + header.rejection().toString(), 1);
  const broker::CompiledMapping* mapping =
      adapter->find(header->namespace_uri, header->message_type);
  if (mapping == nullptr && !adapter->manifest.pass_through_unmapped) {
    return fail("NO_ADAPTER_MAPPING: adapter '" + a.adapter + "' has no mapping for " +
                    header->namespace_uri + " message type " + header->message_type + "; it maps " +
                    adapter->describeMappings(),
                1);
  }
  if (mapping == nullptr || !mapping->style) {
    std::cerr << "ozgbus adapt: pass-through, the document is unchanged\n";
    std::cout << *xml;
    return 0;
  }
  auto out = broker::AdapterSet::translate(*mapping, doc->get());
  if (!out) return fail(out.rejection().toString(), 1);
  if (schemas) {
    schema::SchemaValidator validator;
    if (auto invalid = validator.validate(schemas, out->get())) {
      return fail("ADAPTER_OUTPUT_INVALID: " + invalid->detail, 1);
    }
  }
  std::cout << dsig::serialize(out->get());
  return 0;
}

}  // namespace

void registerAdapt(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AdaptArgs>();
  CLI::App* cmd = app.add_subcommand(
      "adapt", "translate a document with one adapter, offline (result to stdout)");
  cmd->add_option("--adapter", args->adapter, "adapter name (its folder's name)")->required();
  cmd->add_option("--adapters", args->folders, "folder holding adapter folders (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--config", args->config, "broker configuration: its adapters and schemas")
      ->check(CLI::ExistingFile);
  cmd->add_option("file", args->file, "XML file")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runAdapt(*args); });
}

}  // namespace ozgbus::cli
