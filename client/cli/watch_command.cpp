// ozgbus watch: prints the broker's flow events live, one line each (the [events] socket).
#include <chrono>
#include <ctime>
#include <iostream>
#include <zmq.hpp>

#include "client/cli/commands.h"
#include "client/handshake.h"
#include "core/wire/curve_keys.h"
#include "ozgbus.pb.h"

namespace ozgbus::cli {
namespace {

struct WatchArgs {
  std::string events = "tcp://127.0.0.1:7757";
  std::string key_file, server_key_file;
  std::vector<std::string> filters;  // event name prefixes; none: all
  int count = 0;                     // stop after this many; 0: run until interrupted
  double timeout = 0;                // seconds without an event before giving up; 0: never
};

int runWatch(const WatchArgs& a) {
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  std::string public_key;
  if (!a.key_file.empty()) {
    auto mine = wire::loadCurveKeys(a.key_file);
    auto server = wire::loadCurveKeys(a.server_key_file);
    if (!mine || !server) {
      std::cerr << "ozgbus watch: " << (mine ? server.rejection() : mine.rejection()).detail
                << "\n";
      return 2;
    }
    sub.set(zmq::sockopt::curve_serverkey, server->public_key);
    sub.set(zmq::sockopt::curve_publickey, mine->public_key);
    public_key = mine->public_key;
    sub.set(zmq::sockopt::curve_secretkey, mine->secret_key);
  }
  sub.set(zmq::sockopt::subscribe, "ozgbus.flow");
  sub.set(zmq::sockopt::rcvtimeo, a.timeout > 0 ? static_cast<int>(a.timeout * 1000) : -1);
  const auto connect_timeout = std::chrono::milliseconds(10000);
  client::Handshake handshake(ctx, sub, !a.key_file.empty(), public_key, a.events,
                              "the flow-event stream admits only registered observers");
  sub.connect(a.events);
  if (auto refused =
          handshake.await(std::chrono::steady_clock::now() + connect_timeout, connect_timeout)) {
    std::cerr << "ozgbus watch: " << refused->toString() << "\n";
    return 2;
  }
  const auto wanted = [&a](const std::string& event) {
    if (a.filters.empty()) return true;
    for (const auto& f : a.filters) {
      if (event.rfind(f, 0) == 0) return true;
    }
    return false;
  };
  int seen = 0;
  while (a.count == 0 || seen < a.count) {
    zmq::message_t topic, body;
    if (!sub.recv(topic) || !sub.recv(body)) {
      std::cerr << "ozgbus watch: no event within " << a.timeout << " s\n";
      return 1;
    }
    v1::FlowEventBatch batch;
    if (!batch.ParseFromArray(body.data(), static_cast<int>(body.size()))) continue;
    for (const v1::FlowEvent& e : batch.events()) {
      if (!wanted(e.event()) || (a.count != 0 && seen >= a.count)) continue;
      ++seen;
      const std::time_t t = static_cast<std::time_t>(e.at_ms() / 1000);
      char when[32];
      std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&t));
      std::printf("%s.%03d %-20s %-36s %-20s %-20s %s\n", when, static_cast<int>(e.at_ms() % 1000),
                  e.event().c_str(), e.message_uuid().empty() ? "-" : e.message_uuid().c_str(),
                  e.participant().empty() ? "-" : e.participant().c_str(),
                  e.queue().empty() ? "-" : e.queue().c_str(), e.detail().c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

void registerWatch(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<WatchArgs>();
  CLI::App* cmd = app.add_subcommand("watch", "print the broker's flow events live");
  cmd->add_option("--events", args->events, "the broker's events endpoint ([events] publish)")
      ->capture_default_str();
  cmd->add_option("--key", args->key_file,
                  "this client's CURVE key file (when the broker runs CURVE)");
  cmd->add_option("--server-key", args->server_key_file, "the broker's CURVE public key file");
  cmd->add_option("--event", args->filters, "only events whose name starts so (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--count", args->count, "stop after this many events");
  cmd->add_option("--timeout", args->timeout, "give up after this many seconds without an event");
  cmd->callback([args, &exit_code] { exit_code = runWatch(*args); });
}

}  // namespace ozgbus::cli
