// ozgbus recv: receive deliveries as a back-end; each document is written to
// DIR/<author>_<id>_<type>.xml (fsync'd, then renamed into place) before it is acknowledged, and
// the author's original, when the broker translated or re-signed it, to
// DIR/<author>_<id>_<type>.original.xml. A message is identified by its author, id and type
// together: two portals may use the same UUID for different documents, and a standard may give
// one process id to several types; none may overwrite another. Each part is percent-encoded
// ('_' too), so none can leave DIR or collide with another name.
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/cli/commands.h"
#include "client/cli/connection_args.h"
#include "client/client.h"

namespace ozgbus::cli {
namespace {

struct RecvArgs {
  ConnectionArgs connection;
  std::string as;
  std::string out;
  std::vector<std::string> queues;
  std::uint64_t count = 0;
  double timeout_s = 0;
  std::uint32_t credit = 0;
};

// Letters, digits, '.', '-' as they are; every other byte as %XX.
std::string fileSafe(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out == "." || out == ".." ? "%2E" + out.substr(1) : out;
}

bool writeDurably(const std::filesystem::path& target, const std::string& bytes) {
  const std::filesystem::path tmp = target.string() + ".part";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return false;
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  return !ec;
}

int runRecv(const RecvArgs& a) {
  std::filesystem::create_directories(a.out);
  auto options = clientOptions(a.connection, a.as, v1::BACKEND);
  if (!options) {
    std::cerr << "ozgbus recv: " << options.rejection().toString() << "\n";
    return 2;
  }
  options->credit = a.credit;
  options->queues = a.queues;
  auto c = client::Client::connect(*options);
  if (!c) {
    std::cerr << "ozgbus recv: " << c.rejection().toString() << "\n";
    return 2;
  }
  const auto wait = a.timeout_s > 0
                        ? std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000))
                        : std::chrono::hours(24 * 365);
  std::uint64_t received = 0;
  while (a.count == 0 || received < a.count) {
    auto in = (*c)->receive(wait);
    if (!in) break;
    const v1::Envelope& e = in->envelope;
    if (e.command() == v1::ERROR) {
      std::cerr << "broker error: " << reasonName(e.error().reason()) << " " << e.error().detail()
                << "\n";
      continue;
    }
    if (e.command() != v1::DELIVER || in->payloads.empty()) continue;
    const v1::Deliver& d = e.deliver();
    const std::string name =
        fileSafe(d.author()) + "_" + fileSafe(d.message_uuid()) + "_" + fileSafe(d.message_type());
    const auto target = std::filesystem::path(a.out) / (name + ".xml");
    const auto original = std::filesystem::path(a.out) / (name + ".original.xml");
    if (!writeDurably(target, in->payloads.front()) ||
        (in->payloads.size() > 1 && !writeDurably(original, in->payloads[1]))) {
      std::cerr << d.message_uuid() << " cannot write " << target << "; asking for redelivery\n";
      (*c)->nack(d.delivery_id(), v1::INTERNAL, "receiver could not write the document", true);
      continue;
    }
    (*c)->ack(d.delivery_id());
    ++received;
    std::cout << d.message_uuid() << " " << d.message_type() << " from " << d.author() << " -> "
              << target.string() << " (attempt " << d.attempt() << ")" << std::endl;
  }
  (*c)->bye();
  return a.count == 0 || received >= a.count ? 0 : 1;
}

}  // namespace

void registerRecv(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RecvArgs>();
  CLI::App* cmd = app.add_subcommand("recv", "receive deliveries as a back-end");
  addConnectionOptions(*cmd, args->connection);
  cmd->add_option("--as", args->as, "participant id of the back-end")->required();
  cmd->add_option("--out", args->out, "folder for <author>_<message-id>_<type>.xml files")
      ->required();
  cmd->add_option("--queue", args->queues, "queue to consume (default: the participant id)")
      ->allow_extra_args(false);
  cmd->add_option("--count", args->count, "stop after N documents (0 = no limit)");
  cmd->add_option("--timeout", args->timeout_s, "stop after S seconds without a delivery");
  cmd->add_option("--credit", args->credit, "deliveries held unacknowledged at once");
  cmd->callback([args, &exit_code] { exit_code = runRecv(*args); });
}

}  // namespace ozgbus::cli
