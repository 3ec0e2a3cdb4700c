#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <set>

#include "tests/support/broker_process.h"
#include "tests/support/kill_harness.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;

using testing::drainAcking;

TEST_CASE("queued messages survive a clean restart") {
  BrokerProcess broker;
  broker.start();
  std::set<std::string> sent;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    sent = testing::submitSamples(*portal, 50);
  }
  REQUIRE(sent.size() == 50);
  CHECK(broker.stop(SIGTERM) == 0);
  broker.start();
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 16);
  CHECK(drainAcking(*backend, sent.size()) == sent);
}

TEST_CASE("every ACCEPTED message is delivered after SIGKILL under load") {
  // 3,000 posted at once: above the default submit burst and in-flight limit, which this test
  // is not about.
  BrokerProcess broker(
      "[limits]\nsubmit_rate = 1000000.0\nsubmit_burst = 100000.0\nmax_in_flight_submits = "
      "10000\n");
  broker.start();
  std::set<std::string> accepted;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    std::map<std::uint64_t, std::string> pending;
    for (int i = 0; i < 3000; ++i) {
      std::string uuid;
      pending[portal->post(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))] =
          uuid;
    }
    // Kill while submissions are still being committed.
    while (accepted.size() < 300) {
      auto in = portal->receive(5000ms);
      REQUIRE(in);
      if (in->envelope.command() != v1::SUBMIT_RESULT) continue;
      REQUIRE(in->envelope.submit_result().accepted());
      accepted.insert(pending.at(in->envelope.correlation_id()));
    }
    broker.kill9();
    // Results already on the wire before the kill count as accepted too.
    while (auto in = portal->receive(200ms)) {
      if (in->envelope.command() == v1::SUBMIT_RESULT && in->envelope.submit_result().accepted()) {
        accepted.insert(pending.at(in->envelope.correlation_id()));
      }
    }
  }
  INFO("accepted before the kill: " << accepted.size());
  broker.start();
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  const auto delivered = drainAcking(*backend, 3000, 8000ms);
  std::size_t missing = 0;
  for (const auto& uuid : accepted) missing += delivered.count(uuid) == 0 ? 1 : 0;
  CHECK(missing == 0);
}

TEST_CASE("SIGTERM answers every submission in progress, then exits 0") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::map<std::uint64_t, std::string> pending;
  for (int i = 0; i < 500; ++i) {
    std::string uuid;
    pending[portal->post(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))] = uuid;
  }
  std::set<std::string> accepted;
  int answered = 0;
  int shutting_down = 0;
  // Stop as soon as the first answer is in: the rest are in the pipeline or still queued.
  auto first = portal->receive(5000ms);
  REQUIRE(first);
  if (first->envelope.submit_result().accepted())
    accepted.insert(pending.at(first->envelope.correlation_id()));
  ++answered;
  CHECK(broker.stop(SIGTERM) == 0);
  while (auto in = portal->receive(500ms)) {
    if (in->envelope.command() != v1::SUBMIT_RESULT) continue;
    ++answered;
    const auto& r = in->envelope.submit_result();
    if (r.accepted()) {
      accepted.insert(pending.at(in->envelope.correlation_id()));
    } else {
      CHECK(r.reason() == v1::SHUTTING_DOWN);
      ++shutting_down;
    }
  }
  // Submissions still in the client's or the kernel's buffers when the broker stopped reading
  // go unanswered (the client would resubmit; dedupe makes that safe); none is lost.
  INFO("answered " << answered << " of 500, " << shutting_down << " with SHUTTING_DOWN");
  CHECK(answered > 1);
  broker.start();
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  CHECK(drainAcking(*backend, accepted.size()) == accepted);
}

TEST_CASE("a back-end keeps receiving across a broker restart (it says HELLO again)") {
  BrokerProcess broker;
  broker.start();
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  CHECK(broker.stop(SIGTERM) == 0);
  broker.start();
  std::string uuid;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))
                ->accepted());
  }
  CHECK(drainAcking(*backend, 1, 10000ms) == std::set<std::string>{uuid});
}

TEST_CASE(
    "the kill harness: across random SIGKILLs under load every ACCEPTED message is delivered") {
  testing::KillHarnessOptions o;
  o.kills = 5;
  o.rate = 300;
  o.progress = [](const std::string& line) { MESSAGE(line); };
  const auto r = testing::runKillHarness(o);
  MESSAGE(testing::summary(r));
  CHECK(r.kills == 5);
  CHECK(r.accepted > 500);
  CHECK_MESSAGE(r.lost.empty(), "first lost: " << (r.lost.empty() ? "" : r.lost.front()));
}
