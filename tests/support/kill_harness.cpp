#include "tests/support/kill_harness.h"

#include <sstream>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/support/broker_process.h"

namespace ozgbus::testing {
namespace {

using Steady = std::chrono::steady_clock;

struct Ledger {
  std::mutex mu;
  std::set<std::string> accepted;
  std::set<std::string> delivered;
  std::size_t sent = 0, refused = 0, redelivered = 0;
};

// Posts at the given rate, notes what is ACCEPTED; reconnects by itself (the client library
// says HELLO again after the broker came back).
void portal(const BrokerProcess& broker, double rate, const std::atomic<bool>& stop,
            Ledger& ledger) {
  client::Options o{broker.endpoint(), "psw:02000001", v1::PORTAL};
  o.timeout = std::chrono::milliseconds(500);
  std::unique_ptr<client::Client> c;
  std::map<std::uint64_t, std::string> pending;
  const auto gap = std::chrono::duration<double>(1.0 / rate);
  auto next = Steady::now();
  while (!stop) {
    if (!c) {
      auto connected = client::Client::connect(o);
      if (!connected) continue;
      c = std::move(*connected);
    }
    if (Steady::now() >= next) {
      std::string uuid;
      const std::uint64_t correlation =
          c->post(sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
      pending[correlation] = uuid;
      std::lock_guard lock(ledger.mu);
      ++ledger.sent;
      next += std::chrono::duration_cast<Steady::duration>(gap);
    }
    while (auto in = c->receive(std::chrono::milliseconds(0))) {
      if (in->envelope.command() == v1::RECEIPT) c->ackReceipt(in->envelope.receipt().receipt_id());
      const auto command = in->envelope.command();
      if (command != v1::SUBMIT_RESULT && command != v1::ERROR) continue;
      auto it = pending.find(in->envelope.correlation_id());
      if (it == pending.end()) continue;
      std::lock_guard lock(ledger.mu);
      // ERROR: not taken (the broker restarted and knew this connection no more).
      if (command == v1::SUBMIT_RESULT && in->envelope.submit_result().accepted()) {
        ledger.accepted.insert(it->second);
      } else {
        ++ledger.refused;
      }
      pending.erase(it);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void backend(const BrokerProcess& broker, const std::atomic<bool>& stop, Ledger& ledger) {
  client::Options o{broker.endpoint(), "hh-gewerbeamt", v1::BACKEND, 64};
  o.timeout = std::chrono::milliseconds(500);
  std::unique_ptr<client::Client> c;
  while (!stop) {
    if (!c) {
      auto connected = client::Client::connect(o);
      if (!connected) continue;
      c = std::move(*connected);
    }
    auto in = c->receive(std::chrono::milliseconds(50));
    if (!in || in->envelope.command() != v1::DELIVER) continue;
    {
      std::lock_guard lock(ledger.mu);
      if (!ledger.delivered.insert(in->envelope.deliver().message_uuid()).second)
        ++ledger.redelivered;
    }
    c->ack(in->envelope.deliver().delivery_id());
  }
}

}  // namespace

KillHarnessResult runKillHarness(const KillHarnessOptions& options) {
  KillHarnessResult result;
  result.seed = std::random_device{}();
  std::mt19937_64 random(result.seed);
  std::uniform_int_distribution<std::int64_t> life(options.min_life.count(),
                                                   options.max_life.count());

  BrokerProcess broker(options.extra_toml, "info");
  broker.start();
  Ledger ledger;
  std::atomic<bool> stop_portal{false}, stop_backend{false};
  std::thread p([&] { portal(broker, options.rate, stop_portal, ledger); });
  std::thread b([&] { backend(broker, stop_backend, ledger); });
  for (int k = 0; k < options.kills; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(life(random)));
    broker.kill9();
    ++result.kills;
    broker.start();
    if (options.progress) {
      std::lock_guard lock(ledger.mu);
      options.progress("kill " + std::to_string(k + 1) + ": sent " + std::to_string(ledger.sent) +
                       ", accepted " + std::to_string(ledger.accepted.size()) + ", delivered " +
                       std::to_string(ledger.delivered.size()));
    }
  }
  stop_portal = true;
  p.join();
  // Everything accepted must now come through.
  const auto deadline = Steady::now() + options.settle;
  for (;;) {
    {
      std::lock_guard lock(ledger.mu);
      if (std::includes(ledger.delivered.begin(), ledger.delivered.end(), ledger.accepted.begin(),
                        ledger.accepted.end())) {
        break;
      }
    }
    if (Steady::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop_backend = true;
  b.join();
  std::lock_guard lock(ledger.mu);
  result.sent = ledger.sent;
  result.accepted = ledger.accepted.size();
  result.refused = ledger.refused;
  result.delivered = ledger.delivered.size();
  result.redelivered = ledger.redelivered;
  std::set_difference(ledger.accepted.begin(), ledger.accepted.end(), ledger.delivered.begin(),
                      ledger.delivered.end(), std::back_inserter(result.lost));
  return result;
}

std::string summary(const KillHarnessResult& r) {
  std::ostringstream out;
  out << "kills " << r.kills << ", sent " << r.sent << ", accepted " << r.accepted << ", refused "
      << r.refused << ", delivered " << r.delivered << " (" << r.redelivered << " again), lost "
      << r.lost.size() << ", seed " << r.seed;
  return out.str();
}

}  // namespace ozgbus::testing
