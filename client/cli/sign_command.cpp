// ozgbus sign: an enveloped XML signature (exclusive C14N, SHA-256, RSA or ECDSA by key type,
// the certificate in X509Data) over a whole document, written to stdout.
#include <iostream>

#include "client/cli/commands.h"
#include "client/cli/read_file.h"
#include "client/signing.h"

namespace ozgbus::cli {
namespace {

struct SignArgs {
  std::string key, cert, file;
};

int runSign(const SignArgs& a) {
  auto signer = dsig::Signer::load(a.key, a.cert);
  if (!signer) {
    std::cerr << "ozgbus sign: " << signer.rejection().detail << "\n";
    return 2;
  }
  auto xml = readFile(a.file);
  if (!xml) {
    std::cerr << "ozgbus sign: cannot read " << a.file << "\n";
    return 2;
  }
  auto signed_doc = client::signDocument(*xml, **signer);
  if (!signed_doc) {
    std::cerr << "ozgbus sign: " << a.file << ": " << signed_doc.rejection().toString() << "\n";
    return 1;
  }
  std::cout << *signed_doc;
  return 0;
}

}  // namespace

void registerSign(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SignArgs>();
  CLI::App* cmd = app.add_subcommand("sign", "sign an XML document (signed XML to stdout)");
  cmd->add_option("--key", args->key, "PEM private key (RSA or EC P-256)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--cert", args->cert, "PEM certificate of that key")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("file", args->file, "XML file")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runSign(*args); });
}

}  // namespace ozgbus::cli
