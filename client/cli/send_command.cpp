// ozgbus send: submit files; one line per file; exit 0 only if all were accepted.
#include <fstream>
#include <iostream>
#include <sstream>

#include "client/cli/commands.h"
#include "client/cli/connection_args.h"
#include "client/client.h"

namespace ozgbus::cli {
namespace {

struct SendArgs {
  ConnectionArgs connection;
  std::string as;
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
  int failures = 0;
  for (const std::string& file : a.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cout << file << " ERROR cannot read file\n";
      ++failures;
      continue;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    auto r = (*c)->submit(buf.str());
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
  cmd->add_option("files", args->files, "XML files")->required()->check(CLI::ExistingFile);
  cmd->callback([args, &exit_code] { exit_code = runSend(*args); });
}

}  // namespace ozgbus::cli
