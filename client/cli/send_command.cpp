// ozgbus send: submit files; one line per file; exit 0 only if all were accepted.
#include <iostream>

#include "client/cli/commands.h"
#include "client/cli/connection_args.h"
#include "client/cli/read_file.h"
#include "client/client.h"
#include "client/signing.h"

namespace ozgbus::cli {
namespace {

struct SendArgs {
  ConnectionArgs connection;
  std::string as;
  std::string sign_key, sign_cert;
  std::vector<std::string> files;
};

int runSend(const SendArgs& a) {
  auto options = clientOptions(a.connection, a.as, v1::PORTAL);
  if (!options) {
    std::cerr << "ozgbus send: " << options.rejection().toString() << "\n";
    return 2;
  }
  auto c = client::Client::connect(*options);
  if (!c) {
    std::cerr << "ozgbus send: " << c.rejection().toString() << "\n";
    return 2;
  }
  std::shared_ptr<const dsig::Signer> signer;
  if (!a.sign_key.empty()) {
    auto loaded = dsig::Signer::load(a.sign_key, a.sign_cert);
    if (!loaded) {
      std::cerr << "ozgbus send: " << loaded.rejection().detail << "\n";
      return 2;
    }
    signer = std::move(*loaded);
  }
  int failures = 0;
  for (const std::string& file : a.files) {
    auto xml = readFile(file);
    if (xml && signer) {
      auto signed_doc = client::signDocument(*xml, *signer);
      if (!signed_doc) {
        std::cout << file << " ERROR cannot sign: " << signed_doc.rejection().toString() << "\n";
        ++failures;
        continue;
      }
      xml = std::move(*signed_doc);
    }
    if (!xml) {
      std::cout << file << " ERROR cannot read file\n";
      ++failures;
      continue;
    }
    auto r = (*c)->submit(*xml);
    if (!r) {
      std::cout << file << " ERROR " << r.rejection().toString() << "\n";
      ++failures;
    } else if (r->accepted()) {
      std::cout << r->message_uuid() << " ACCEPTED " << r->destination()
                << (r->duplicate() ? " (duplicate, stored once)" : "") << "\n";
    } else {
      std::cout << (r->message_uuid().empty() ? file : r->message_uuid()) << " REJECTED "
                << reasonName(r->reason()) << " " << r->detail() << "\n";
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void registerSend(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SendArgs>();
  CLI::App* cmd = app.add_subcommand("send", "submit XML documents as a portal");
  addConnectionOptions(*cmd, args->connection);
  cmd->add_option("--as", args->as, "participant id of the submitting portal")->required();
  auto* key =
      cmd->add_option("--sign-key", args->sign_key, "sign each file on the fly with this PEM key")
          ->check(CLI::ExistingFile);
  auto* cert = cmd->add_option("--sign-cert", args->sign_cert, "the signing key's PEM certificate")
                   ->check(CLI::ExistingFile);
  key->needs(cert);
  cert->needs(key);
  cmd->add_option("files", args->files, "XML files")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runSend(*args); });
}

}  // namespace ozgbus::cli
