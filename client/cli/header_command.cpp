// ozgbus header: what the broker's header stage reads from each file (the fields routing,
// duplicates and receipts use), with the [[headers]] mappings of --config, or why it cannot.
// For an operator adding a standard (docs/standards.md): try the mapping before the broker.
#include <iostream>

#include "broker/config/config.h"
#include "client/cli/commands.h"
#include "client/cli/read_file.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header_mapping.h"

namespace ozgbus::cli {
namespace {

struct HeaderArgs {
  std::string config;
  std::vector<std::string> files;
};

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }

int runHeader(const HeaderArgs& a) {
  xoev::HeaderReader reader;
  if (!a.config.empty()) {
    auto c = broker::loadConfig(a.config);
    if (!c) {
      std::cerr << "ozgbus header: " << c.rejection().detail << "\n";
      return 2;
    }
    auto compiled = xoev::HeaderReader::compile(c->headers);
    if (!compiled) {
      std::cerr << "ozgbus header: " << compiled.rejection().detail << "\n";
      return 2;
    }
    reader = std::move(*compiled);
  }
  int failures = 0;
  for (const std::string& file : a.files) {
    auto xml = readFile(file);
    if (!xml) {
      ++failures;
      std::cout << file << " UNREADABLE\n";
      continue;
    }
    auto doc = xml::parseSecure(*xml, {});
    auto header = doc ? reader.read(doc->get()) : Result<xoev::Header>(doc.rejection());
    if (!header) {
      ++failures;
      std::cout << file << " " << header.rejection().toString() << "\n";
      continue;
    }
    std::cout << file << "\n"
              << "  mapping       " << reader.mappingFor(doc->get()) << "\n"
              << "  root          {" << header->namespace_uri << "}" << header->root_name << "\n"
              << "  message id    " << header->message_uuid << "\n"
              << "  message type  " << header->message_type << "\n"
              << "  created       " << header->created << "\n"
              << "  author        " << header->author << "\n"
              << "  reader        " << header->reader << "\n"
              << "  service       " << orDash(header->service) << "\n";
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void registerHeader(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<HeaderArgs>();
  CLI::App* cmd =
      app.add_subcommand("header", "print the header fields the broker reads from XML files");
  cmd->add_option("--config", args->config, "broker configuration whose [[headers]] to use");
  cmd->add_option("files", args->files, "XML files")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runHeader(*args); });
}

}  // namespace ozgbus::cli
