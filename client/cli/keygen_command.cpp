// ozgbus keygen: a CURVE key pair for the broker or a participant.
#include <iostream>

#include "client/cli/commands.h"
#include "core/wire/curve_keys.h"

namespace ozgbus::cli {

void registerKeygen(CLI::App& app, int& exit_code) {
  auto prefix = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("keygen", "write a CURVE key pair: PREFIX.key (secret) and PREFIX.pub");
  cmd->add_option("--out", *prefix, "file name prefix")->required();
  cmd->callback([prefix, &exit_code] {
    auto keys = wire::writeCurveKeys(*prefix);
    if (!keys) {
      std::cerr << "ozgbus keygen: " << keys.rejection().detail << "\n";
      exit_code = 2;
      return;
    }
    std::cout << keys->public_key << "\n";
  });
}

}  // namespace ozgbus::cli
