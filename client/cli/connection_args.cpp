#include "client/cli/connection_args.h"

#include "core/wire/curve_keys.h"

namespace ozgbus::cli {

void addConnectionOptions(CLI::App& cmd, ConnectionArgs& args) {
  cmd.add_option("--broker", args.broker, "broker endpoint")->capture_default_str();
  cmd.add_option("--key", args.key_file, "this client's CURVE key file (ozgbus keygen)");
  cmd.add_option("--server-key", args.server_key_file, "the broker's CURVE public key file");
}

Result<client::Options> clientOptions(const ConnectionArgs& args, const std::string& participant,
                                      v1::Role role) {
  client::Options o;
  o.endpoint = args.broker;
  o.participant = participant;
  o.role = role;
  if (args.key_file.empty() != args.server_key_file.empty()) {
    return reject(v1::UNAUTHENTICATED, "--key and --server-key go together");
  }
  if (args.key_file.empty()) return o;
  auto mine = wire::loadCurveKeys(args.key_file);
  if (!mine) return mine.rejection();
  if (mine->secret_key.empty())
    return reject(v1::UNAUTHENTICATED, args.key_file + " holds no secret key");
  auto server = wire::loadCurveKeys(args.server_key_file);
  if (!server) return server.rejection();
  o.public_key = mine->public_key;
  o.secret_key = mine->secret_key;
  o.server_public_key = server->public_key;
  return o;
}

}  // namespace ozgbus::cli
