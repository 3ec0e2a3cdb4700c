// ozgbus validate: XSD validation offline, with the schema registry the broker uses
// ([schemas] of its ozgbus.toml, or catalogs and namespaces given here; with catalogs alone,
// each file's schema is found from its root namespace). A file is VALID only if the broker's
// header stage would read it too (with the [[headers]] mappings of --config). One line per file.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "broker/config/config.h"
#include "client/cli/commands.h"
#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header_mapping.h"

namespace ozgbus::cli {
namespace {

struct ValidateArgs {
  std::string config;
  std::vector<std::string> catalogs;
  std::vector<std::string> namespaces;
  std::vector<std::string> files;
};

struct Loaded {
  std::optional<xml::Doc> doc;
  std::optional<Rejection> problem;
};

Loaded parse(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = xml::parseSecure(buf.str(), {});
  if (!doc) return {std::nullopt, doc.rejection()};
  return {std::move(*doc), std::nullopt};
}

std::string rootNamespace(xmlDoc* doc) {
  const xmlNode* root = xmlDocGetRootElement(doc);
  return root != nullptr && root->ns != nullptr && root->ns->href != nullptr
             ? xml::chars(root->ns->href)
             : "";
}

int runValidate(const ValidateArgs& a) {
  schema::SchemaSetSpec base;
  xoev::HeaderReader headers;
  if (!a.config.empty()) {
    auto c = broker::loadConfig(a.config);
    if (!c) {
      std::cerr << "ozgbus validate: " << c.rejection().detail << "\n";
      return 2;
    }
    base = {c->schemas.catalogs, c->schemas.namespaces};
    auto compiled = xoev::HeaderReader::compile(c->headers);
    if (!compiled) {
      std::cerr << "ozgbus validate: " << compiled.rejection().detail << "\n";
      return 2;
    }
    headers = std::move(*compiled);
  }
  for (const auto& c : a.catalogs) base.catalogs.emplace_back(c);
  for (const auto& n : a.namespaces) base.namespaces.push_back(n);
  std::vector<Loaded> docs;
  for (const auto& file : a.files) docs.push_back(parse(file));

  // A registry for the namespaces named; without any, one per namespace the files speak, found
  // through the catalogs, so that one unmapped namespace does not stop the others.
  std::map<std::string, Result<std::shared_ptr<const schema::SchemaRegistry>>> registries;
  std::shared_ptr<const schema::SchemaRegistry> named;
  if (!base.namespaces.empty()) {
    auto r = schema::SchemaRegistry::load(base);
    if (!r) {
      std::cerr << "ozgbus validate: " << r.rejection().toString() << "\n";
      return 2;
    }
    named = *r;
  } else if (base.catalogs.empty()) {
    std::cerr << "ozgbus validate: give --config, or --catalog (and optionally --namespace)\n";
    return 2;
  } else {
    for (auto& d : docs) {
      if (!d.doc) continue;
      const std::string ns = rootNamespace(d.doc->get());
      if (registries.count(ns) != 0) continue;
      if (ns.empty()) {
        registries.emplace(ns, reject(v1::SCHEMA_UNKNOWN, "the document element has no namespace"));
        continue;
      }
      auto r = schema::SchemaRegistry::load({base.catalogs, {ns}});
      if (!r) r = reject(v1::SCHEMA_UNKNOWN, r.rejection().detail);
      registries.emplace(ns, std::move(r));
    }
  }
  schema::SchemaValidator validator;
  int failures = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    Loaded& d = docs[i];
    std::optional<Rejection> problem = d.problem;
    std::string uuid;
    if (!problem) {
      std::shared_ptr<const schema::SchemaRegistry> registry = named;
      if (!registry) {
        auto& r = registries.at(rootNamespace(d.doc->get()));
        if (r)
          registry = *r;
        else
          problem = r.rejection();
      }
      if (!problem) problem = validator.validate(registry, d.doc->get());
    }
    // Valid against its schema, but the broker's header stage would still refuse it.
    if (!problem) {
      auto header = headers.read(d.doc->get());
      if (header)
        uuid = header->message_uuid;
      else
        problem = header.rejection();
    }
    if (problem) {
      ++failures;
      std::cout << a.files[i] << " INVALID " << problem->toString() << "\n";
    } else {
      std::cout << a.files[i] << " VALID " << uuid << "\n";
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void registerValidate(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "validate XML files against the schema registry");
  cmd->add_option("--config", args->config, "broker configuration whose [schemas] to use");
  cmd->add_option("--catalog", args->catalogs, "XML catalog (repeatable)")->allow_extra_args(false);
  cmd->add_option(
         "--namespace", args->namespaces,
         "namespace to load (repeatable; default with --catalog: each file's root namespace)")
      ->allow_extra_args(false);
  cmd->add_option("files", args->files, "XML files")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runValidate(*args); });
}

}  // namespace ozgbus::cli
