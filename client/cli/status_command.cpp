// ozgbus status: queues, depths, in-flight, dead letters, connected participants.
#include <cstdio>
#include <iostream>

#include "client/cli/commands.h"
#include "client/cli/connection_args.h"
#include "client/client.h"

namespace ozgbus::cli {
namespace {

int runStatus(const ConnectionArgs& a, const std::string& as) {
  auto options = clientOptions(a, as, v1::OBSERVER);
  if (!options) {
    std::cerr << "ozgbus status: " << options.rejection().toString() << "\n";
    return 2;
  }
  auto c = client::Client::connect(*options);
  if (!c) {
    std::cerr << "ozgbus status: " << c.rejection().toString() << "\n";
    return 2;
  }
  auto s = (*c)->status();
  if (!s) {
    std::cerr << "ozgbus status: " << s.rejection().toString() << "\n";
    return 2;
  }
  std::printf("broker %s: submitted %llu, accepted %llu, rejected %llu, delivered %llu\n\n",
              s->broker_version().c_str(), static_cast<unsigned long long>(s->submitted()),
              static_cast<unsigned long long>(s->accepted()),
              static_cast<unsigned long long>(s->rejected()),
              static_cast<unsigned long long>(s->delivered()));
  std::printf("%-28s %10s %10s %10s %10s\n", "QUEUE", "DEPTH", "IN-FLIGHT", "DEAD", "CONSUMERS");
  for (const auto& q : s->queues()) {
    std::printf("%-28s %10llu %10llu %10llu %10u\n", q.name().c_str(),
                static_cast<unsigned long long>(q.depth()),
                static_cast<unsigned long long>(q.in_flight()),
                static_cast<unsigned long long>(q.dead_letters()), q.consumers());
  }
  std::printf("\n%-28s %-9s %8s %10s %10s\n", "PARTICIPANT", "ROLE", "CREDIT", "IN-FLIGHT",
              "RECEIPTS");
  for (const auto& p : s->participants()) {
    std::printf("%-28s %-9s %8u %10u %10llu\n", p.participant_id().c_str(),
                v1::Role_Name(p.role()).c_str(), p.credit(), p.in_flight(),
                static_cast<unsigned long long>(p.pending_receipts()));
  }
  if (s->nodes_size() > 0)
    std::printf("\n%-20s %-7s %12s  %s\n", "NODE", "STATE", "SEEN", "LISTEN");
  for (const auto& n : s->nodes()) {
    const char* state = n.alive() ? "alive" : n.left() ? "left" : "gone";
    std::printf("node %-15s %-7s %9lld ms  %s%s\n", n.name().c_str(), state,
                static_cast<long long>(n.seen_ms_ago()), n.listen().c_str(),
                n.this_node() ? "  (answered this)" : "");
  }
  if (s->adapters_size() > 0) std::printf("\n%-20s %-10s %s\n", "ADAPTER", "ARS", "MAPPINGS");
  for (const auto& ad : s->adapters()) {
    std::string prefixes;
    for (const auto& p : ad.ars_prefixes())
      prefixes += (prefixes.empty() ? "" : ",") + (p.empty() ? "*" : p);
    std::printf("%-20s %-10s %s%s\n", ad.name().c_str(), prefixes.c_str(), ad.description().c_str(),
                ad.pass_through_unmapped() ? " (passes unmapped messages through)" : "");
    for (const auto& m : ad.mappings()) {
      std::printf("%-31s %s/%s -> %s/%s  %s\n", "", m.input().c_str(), m.message_type().c_str(),
                  m.output().c_str(), m.output_type().c_str(),
                  m.stylesheet().empty() ? "(pass-through)" : m.stylesheet().c_str());
    }
  }
  return 0;
}

}  // namespace

void registerStatus(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ConnectionArgs>();
  auto as = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("status", "show queues and connected participants");
  addConnectionOptions(*cmd, *args);
  cmd->add_option("--as", *as,
                  "participant id to connect as: with CURVE, the observer whose key --key holds "
                  "(the demo's is ozgbus-operator)")
      ->required();
  cmd->callback([args, as, &exit_code] { exit_code = runStatus(*args, *as); });
}

}  // namespace ozgbus::cli
