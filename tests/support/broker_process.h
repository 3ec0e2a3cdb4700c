// BrokerProcess: the real ozgbus-broker binary in a child process, on a free loopback port,
// with its own data folder and configuration. Helpers for the clients that talk to it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/client.h"
#include "tests/support/temp_dir.h"

namespace ozgbus::testing {

class BrokerProcess {
 public:
  // extra_toml goes before a base configuration (fast session timeout, the sample routes).
  // broker_extra: lines for the [broker] table; empty means insecure = true.
  explicit BrokerProcess(std::string extra_toml = "", std::string log_level = "debug",
                         std::string broker_extra = "");
  ~BrokerProcess();

  void start();               // returns once the broker answers a HELLO
  int stop(int signal = 15);  // sends the signal, waits, returns the exit status
  void kill9() { stop(9); }
  bool running() const { return pid_ > 0; }

  const std::string& endpoint() const { return endpoint_; }
  int httpPort() const { return http_port_; }      // metrics, admin API, dashboard
  int probePort() const { return probe_port_; }    // /healthz, /readyz, /metrics only
  int eventsPort() const { return events_port_; }  // flow events (PUB)
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string log() const;
  // Whether the log shows `text` within the timeout (the broker writes as it goes).
  bool waitForLog(const std::string& text,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  pid_t pid() const { return pid_; }

  // Options used by start() to see that the broker answers (with CURVE: an observer's keys).
  void setProbe(client::Options probe) { probe_ = std::move(probe); }
  // Command-line arguments for the next start() beyond --config and --listen.
  void setArgs(std::vector<std::string> args) { args_ = std::move(args); }
  const std::filesystem::path& storeFile() const { return store_file_; }

  std::unique_ptr<client::Client> connect(const std::string& participant, v1::Role role,
                                          std::uint32_t credit = 0,
                                          std::vector<std::string> queues = {}) const;

 private:
  TempDir dir_;
  std::string endpoint_;
  int http_port_ = 0;
  int probe_port_ = 0;
  int events_port_ = 0;
  pid_t pid_ = -1;
  std::optional<client::Options> probe_;
  std::vector<std::string> args_;
  std::filesystem::path store_file_;
};

// Runs a command (a path, or a name looked up in PATH), returns its exit status, its stdout
// and its stderr.
struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};
CommandResult runCommand(const std::vector<std::string>& argv);

// The next message of this command within the timeout; others arriving meanwhile are dropped.
std::optional<client::Incoming> nextOf(client::Client& c, v1::Command command,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

// As a back-end: ACKs deliveries until `expected` distinct messages arrived or time is up;
// returns their UUIDs.
std::set<std::string> drainAcking(client::Client& backend, std::size_t expected,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Submits `count` Gewerbe samples (queue hh-gewerbeamt) one by one; returns the UUIDs of those
// accepted.
std::set<std::string> submitSamples(client::Client& portal, int count);

// A sample document (samples/messages) with a fresh UUID.
std::string sampleMessage(const std::string& name = "gewerbeanmeldung-1.0-hamburg.xml",
                          std::string* uuid = nullptr);

// Why the broker did not start (its log), or empty if it did.
inline std::string startFailure(BrokerProcess& broker) {
  try {
    broker.start();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace ozgbus::testing
