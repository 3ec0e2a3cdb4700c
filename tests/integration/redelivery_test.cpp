#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "tests/support/broker_process.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;

namespace {

std::set<std::string> uuidsIn(const std::filesystem::path& dir) {
  std::set<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    // <author>_<uuid>_<type>.xml: the UUID is between the first and the last '_'.
    const std::string stem = e.path().stem().string();
    const auto first = stem.find('_');
    if (e.path().extension() == ".xml")
      out.insert(stem.substr(first + 1, stem.rfind('_') - first - 1));
  }
  return out;
}

pid_t spawnRecv(const BrokerProcess& broker, const std::filesystem::path& out,
                const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {OZGBUS_CLI_BIN, "recv",          "--broker", broker.endpoint(),
                                   "--as",         "hh-gewerbeamt", "--out",    out.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

TEST_CASE("a consumer killed mid-batch: what it did not ACK is redelivered to the next") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  const std::set<std::string> sent = testing::submitSamples(*portal, 300);
  REQUIRE(sent.size() == 300);
  const auto first_dir = broker.dir() / "first";
  const auto second_dir = broker.dir() / "second";
  const pid_t first = spawnRecv(broker, first_dir, {"--credit", "20"});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (uuidsIn(first_dir).size() < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ::kill(first, SIGKILL);
  ::waitpid(first, nullptr, 0);
  const auto before_kill = uuidsIn(first_dir);
  REQUIRE(before_kill.size() >= 50);
  REQUIRE(before_kill.size() < sent.size());

  const pid_t second = spawnRecv(broker, second_dir, {"--timeout", "5"});
  int status = 0;
  ::waitpid(second, &status, 0);
  std::set<std::string> all = before_kill;
  for (const auto& u : uuidsIn(second_dir)) all.insert(u);
  CHECK(all == sent);
}

TEST_CASE("an unacknowledged delivery comes back after the ack timeout, with attempt 2") {
  BrokerProcess broker("[delivery]\nack_timeout_ms = 400\n");
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage())->accepted());
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  std::vector<std::uint32_t> attempts;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (attempts.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    auto in = backend->receive(100ms);
    if (in && in->envelope.command() == v1::DELIVER)
      attempts.push_back(in->envelope.deliver().attempt());
  }
  CHECK(attempts == std::vector<std::uint32_t>{1, 2});
}

TEST_CASE("after max_attempts the message is a dead letter, and the queue moves on") {
  BrokerProcess broker("[delivery]\nmax_attempts = 2\n");
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage())->accepted());
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  int nacks = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (nacks < 3 && std::chrono::steady_clock::now() < deadline) {
    auto in = backend->receive(100ms);
    if (!in || in->envelope.command() != v1::DELIVER) continue;
    backend->nack(in->envelope.deliver().delivery_id(), v1::INTERNAL, "database down", true);
    ++nacks;
  }
  CHECK(nacks == 2);  // no third delivery
  auto status = portal->status();
  REQUIRE(status.ok());
  bool found = false;
  for (const auto& q : status->queues()) {
    if (q.name() != "hh-gewerbeamt") continue;
    found = true;
    CHECK(q.dead_letters() == 1);
    CHECK(q.depth() == 0);
  }
  CHECK(found);
}
