// Options every connecting subcommand shares: the endpoint and the CURVE key files.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "client/client.h"
#include "core/result.h"

namespace ozgbus::cli {

struct ConnectionArgs {
  std::string broker = "tcp://127.0.0.1:7755";
  std::string key_file;         // this client's key pair (ozgbus keygen): public + secret
  std::string server_key_file;  // the broker's public key
};

void addConnectionOptions(CLI::App& cmd, ConnectionArgs& args);

// Client options with the CURVE keys loaded; a rejection names the unreadable file.
Result<client::Options> clientOptions(const ConnectionArgs& args, const std::string& participant,
                                      v1::Role role);

}  // namespace ozgbus::cli
