// ozgbus validate: XSD validation offline, with the schema registry the broker uses
// ([schemas] of its ozgbus.toml, or catalogs and namespaces given here). One line per file.
#include <fstream>
#include <iostream>
#include <sstream>

#include "broker/config/config.h"
#include "client/cli/commands.h"
#include "core/schema/schema_registry.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"

namespace ozgbus::cli {
namespace {

struct ValidateArgs {
  std::string config;
  std::vector<std::string> catalogs;
  std::vector<std::string> namespaces;
  std::vector<std::string> files;
};

int runValidate(const ValidateArgs& a) {
  schema::SchemaSetSpec spec;
  if (!a.config.empty()) {
    auto c = broker::loadConfig(a.config);
    if (!c) {
      std::cerr << "ozgbus validate: " << c.rejection().detail << "\n";
      return 2;
    }
    spec = {c->schemas.catalogs, c->schemas.namespaces};
  }
  for (const auto& c : a.catalogs) spec.catalogs.emplace_back(c);
  for (const auto& n : a.namespaces) spec.namespaces.push_back(n);
  auto registry = schema::SchemaRegistry::load(spec);
  if (!registry) {
    std::cerr << "ozgbus validate: " << registry.rejection().toString() << "\n";
    return 2;
  }
  schema::SchemaValidator validator;
  int failures = 0;
  for (const auto& file : a.files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto doc = xml::parseSecure(buf.str(), {});
    std::optional<Rejection> problem;
    if (!doc) {
      problem = doc.rejection();
    } else {
      problem = validator.validate(*registry, doc->get());
    }
    if (problem) {
      ++failures;
      std::cout << file << " INVALID " << problem->toString() << "\n";
    } else {
      auto header = xoev::readHeader(doc->get());
      std::cout << file << " VALID" << (header ? " " + header->message_uuid : "") << "\n";
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
  cmd->add_option("--namespace", args->namespaces, "namespace to load (repeatable)")->allow_extra_args(false);
  cmd->add_option("files", args->files, "XML files")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runValidate(*args); });
}

}  // namespace ozgbus::cli
