#include "tests/support/broker_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "client/message_template.h"

namespace ozgbus::testing {
namespace {

// Four distinct free ports (transport, HTTP, flow events, HTTP probes). Each probe socket stays
// bound until all four are picked: a port closed again may be handed out by the next bind to port
// 0, and a broker that got one port for two listeners failed to start ("Address already in use").
std::array<int, 4> freePorts() {
  struct Probe {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ~Probe() { ::close(fd); }
  };
  std::array<Probe, 4> probes;
  std::array<int, 4> ports{};
  for (std::size_t i = 0; i < probes.size(); ++i) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(probes[i].fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(probes[i].fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("no free port on 127.0.0.1");
    }
    ports[i] = ntohs(addr.sin_port);
  }
  return ports;
}

// [broker] comes last so the constructor can append to it.
const char* kBaseConfig = R"(
[session]
heartbeat_interval_ms = 200
timeout_ms = 1500

[[routes]]
ars_prefix = "02"
service = "99050012104000"
destination = "hh-gewerbeamt"

[[routes]]
ars_prefix = "02"
destination = "hh-meldeamt"

[[routes]]
ars_prefix = "01002"
destination = "sh-kiel-buergeramt"

[[routes]]
ars_prefix = "09162"
destination = "by-muenchen-kvr"

[broker]
workers = 2
)";

}  // namespace

BrokerProcess::BrokerProcess(std::string extra_toml, std::string log_level,
                             std::string broker_extra) {
  const auto [transport, http, events, probes] = freePorts();
  endpoint_ = "tcp://127.0.0.1:" + std::to_string(transport);
  http_port_ = http;
  probe_port_ = probes;
  store_file_ = dir_.path() / "data" / "ozgbus.db";  // the default; a test that moves it knows
  events_port_ = events;
  // TOML forbids repeating a table: extra_toml may add [delivery], [limits], [store] or routes,
  // never [broker] or [session]. The endpoint goes on the command line.
  // Tests that exercise CURVE put curve_secret_key_file in broker_extra; the others run the
  // development mode.
  std::ofstream(dir_.path() / "ozgbus.toml")
      << extra_toml << "\n"
      << (extra_toml.find("[http]") == std::string::npos
              ? "[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port_) +
                    "\"\nprobe_listen = \"127.0.0.1:" + std::to_string(probe_port_) + "\"\n"
              : std::string())
      << (extra_toml.find("[events]") == std::string::npos
              ? "[events]\npublish = \"tcp://127.0.0.1:" + std::to_string(events_port_) + "\"\n"
              : std::string())
      << kBaseConfig << "log_level = \"" << log_level << "\"\n"
      << (broker_extra.empty() ? "insecure = true\n" : broker_extra) << "\n";
}

BrokerProcess::~BrokerProcess() {
  if (pid_ > 0) stop(9);
}

void BrokerProcess::start() {
  const std::string config = (dir_.path() / "ozgbus.toml").string();
  const std::string log = (dir_.path() / "broker.log").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<const char*> argv = {OZGBUS_BROKER_BIN, "--config", config.c_str(), "--listen",
                                     endpoint_.c_str()};
    for (const auto& a : args_) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    ::execv(OZGBUS_BROKER_BIN, const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    client::Options o = probe_.value_or(client::Options{endpoint_, "test-probe", v1::OBSERVER});
    o.endpoint = endpoint_;
    o.timeout = std::chrono::milliseconds(300);
    if (auto c = client::Client::connect(o)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("broker exited at start:\n" + this->log());
    }
  }
  throw std::runtime_error("broker did not answer within 20 s:\n" + this->log());
}

int BrokerProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string BrokerProcess::log() const {
  std::ifstream in(dir_.path() / "broker.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool BrokerProcess::waitForLog(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (log().find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::unique_ptr<client::Client> BrokerProcess::connect(const std::string& participant,
                                                       v1::Role role, std::uint32_t credit,
                                                       std::vector<std::string> queues) const {
  auto c = client::Client::connect({endpoint_, participant, role, credit, std::move(queues)});
  if (!c) throw std::runtime_error("connect failed: " + c.rejection().toString());
  return std::move(*c);
}

CommandResult runCommand(const std::vector<std::string>& argv) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  TempDir errdir;
  const std::string errfile = (errdir.path() / "stderr").string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    const int err = ::open(errfile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(err, 2);
    // Only 1 and 2 stay: a daemon the command starts (a database server) must not hold the
    // pipe open, or reading stdout here would wait for that daemon to end.
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    ::close(err);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());  // a bare name is looked up in PATH
    ::_exit(127);
  }
  ::close(pipefd[1]);
  CommandResult r;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;)
    r.out.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(errfile);
  std::stringstream e;
  e << err.rdbuf();
  r.err = e.str();
  return r;
}

std::optional<client::Incoming> nextOf(client::Client& c, v1::Command command,
                                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto in = c.receive(std::chrono::milliseconds(100));
    if (in && in->envelope.command() == command) return in;
  }
  return std::nullopt;
}

std::set<std::string> drainAcking(client::Client& backend, std::size_t expected,
                                  std::chrono::milliseconds timeout) {
  std::set<std::string> got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (got.size() < expected && std::chrono::steady_clock::now() < deadline) {
    auto in = backend.receive(std::chrono::milliseconds(100));
    if (!in || in->envelope.command() != v1::DELIVER) continue;
    got.insert(in->envelope.deliver().message_uuid());
    backend.ack(in->envelope.deliver().delivery_id());
  }
  return got;
}

std::set<std::string> submitSamples(client::Client& portal, int count) {
  std::set<std::string> accepted;
  for (int i = 0; i < count; ++i) {
    std::string uuid;
    auto r = portal.submit(sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
    if (r.ok() && r->accepted()) accepted.insert(uuid);
  }
  return accepted;
}

std::string sampleMessage(const std::string& name, std::string* uuid) {
  static const std::string folder = std::string(OZGBUS_SOURCE_DIR) + "/samples/messages/";
  return client::MessageTemplate::load(folder + name).instantiate(uuid);
}

}  // namespace ozgbus::testing
