// ozgbus: command-line client for the ozgbus message bus.
#include <cstdio>
#include <string>
#include <utility>

#include "client/cli/commands.h"
#include "core/dsig/xmlsec.h"
#include "core/xml/xml_init.h"

int main(int argc, char** argv) {
  CLI::App app{"ozgbus: submit, receive and inspect messages on an ozgbus broker"};
  app.require_subcommand(1);
  int exit_code = 0;
  ozgbus::cli::registerSend(app, exit_code);
  ozgbus::cli::registerRecv(app, exit_code);
  ozgbus::cli::registerStatus(app, exit_code);
  ozgbus::cli::registerDemo(app, exit_code);
  ozgbus::cli::registerValidate(app, exit_code);
  ozgbus::cli::registerHeader(app, exit_code);
  ozgbus::cli::registerKeygen(app, exit_code);
  ozgbus::cli::registerSign(app, exit_code);
  ozgbus::cli::registerVerify(app, exit_code);
  ozgbus::cli::registerAdapt(app, exit_code);
  ozgbus::cli::registerAudit(app, exit_code);
  ozgbus::cli::registerAdmin(app, exit_code);
  ozgbus::cli::registerWatch(app, exit_code);
  // CLI11 would answer an unknown command with "A subcommand is required".
  const auto all = [](const CLI::App*) { return true; };
  std::string known;
  bool found = false;
  for (const CLI::App* sub : std::as_const(app).get_subcommands(all)) {
    known += (known.empty() ? "" : ", ") + sub->get_name();
    found = found || (argc > 1 && sub->get_name() == argv[1]);
  }
  if (argc > 1 && argv[1][0] != '-' && !found) {
    std::fprintf(stderr, "ozgbus: unknown command '%s' (commands: %s; ozgbus --help)\n", argv[1],
                 known.c_str());
    return 2;
  }
  ozgbus::xml::initXml();
  ozgbus::dsig::initDsig();
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
