// ozgbus verify: checks each file's signature as the broker's verify stage does (same policy,
// same chain and CRL checks) and prints the signer and the verdict, one line per file.
#include <iostream>

#include "client/cli/commands.h"
#include "client/cli/read_file.h"
#include "core/dsig/verifier.h"
#include "core/xml/secure_parser.h"

namespace ozgbus::cli {
namespace {

struct VerifyArgs {
  std::vector<std::string> trust;
  std::vector<std::string> files;
};

int runVerify(const VerifyArgs& a) {
  auto trust = dsig::TrustStore::load({a.trust.begin(), a.trust.end()});
  if (!trust) {
    std::cerr << "ozgbus verify: " << trust.rejection().detail << "\n";
    return 2;
  }
  dsig::Verifier verifier;
  int failures = 0;
  for (const auto& file : a.files) {
    auto xml = readFile(file);
    auto doc = xml ? xml::parseSecure(*xml, {})
                   : Result<xml::Doc>(reject(v1::INTERNAL, "cannot read file"));
    auto signer =
        doc ? verifier.verify(doc->get(), **trust) : Result<dsig::SignerInfo>(doc.rejection());
    if (signer) {
      std::cout << file << " VALID signer=\"" << signer->subject << "\"\n";
    } else {
      ++failures;
      std::cout << file << " INVALID " << signer.rejection().toString() << "\n";
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void registerVerify(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand("verify", "verify XML signatures against a trust store");
  cmd->add_option("--trust", args->trust,
                  "CA certificates and CRLs: PEM file or folder (repeatable)")
      ->required()
      ->allow_extra_args(false)
      ->check(CLI::ExistingPath);
  cmd->add_option("files", args->files, "signed XML files")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runVerify(*args); });
}

}  // namespace ozgbus::cli
