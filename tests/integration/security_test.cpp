// Transport security: CURVE on the broker's socket, the ZAP handler admitting only registered
// keys, and HELLO bound to the participant the key belongs to.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "core/wire/curve_keys.h"
#include "tests/support/broker_process.h"
#include "tests/support/files.h"
#include "tests/support/secure_broker.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;
using testing::SecureBroker;

TEST_CASE("CURVE: registered participants exchange messages as themselves") {
  SecureBroker s;
  auto portal = client::Client::connect(s.options("psw:02000001", v1::PORTAL, s.portal));
  REQUIRE(portal.ok());
  std::string uuid;
  auto r = (*portal)->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
  REQUIRE(r.ok());
  CHECK(r->accepted());
  auto backend = client::Client::connect(s.options("hh-gewerbeamt", v1::BACKEND, s.backend));
  REQUIRE(backend.ok());
  CHECK(testing::drainAcking(**backend, 1, 5000ms) == std::set<std::string>{uuid});
}

TEST_CASE("CURVE: an unknown key and a plain-text client are refused at the handshake") {
  SecureBroker s;
  auto stranger =
      client::Client::connect(s.options("psw:02000001", v1::PORTAL, wire::generateCurveKeys()));
  CHECK_FALSE(stranger.ok());
  client::Options plain{s.broker.endpoint(), "psw:02000001", v1::PORTAL};
  plain.timeout = 1500ms;
  CHECK_FALSE(client::Client::connect(plain).ok());
  CHECK(s.broker.log().find("is not in the participant registry") != std::string::npos);
}

TEST_CASE("CURVE: a known key cannot claim another identity, role or queue") {
  SecureBroker s;
  auto other = client::Client::connect(s.options("hh-gewerbeamt", v1::BACKEND, s.portal));
  REQUIRE_FALSE(other.ok());
  CHECK(other.rejection().reason == v1::IDENTITY_MISMATCH);
  CHECK(other.rejection().detail.find("belongs to 'psw:02000001'") != std::string::npos);

  auto receive = client::Client::connect(s.options("psw:02000001", v1::BACKEND, s.portal));
  REQUIRE_FALSE(receive.ok());
  CHECK(receive.rejection().reason == v1::NOT_AUTHORIZED);
  CHECK(receive.rejection().detail.find("registered as PORTAL") != std::string::npos);

  auto o = s.options("hh-gewerbeamt", v1::BACKEND, s.backend);
  o.queues = {"sh-kiel-buergeramt"};
  auto queue = client::Client::connect(o);
  REQUIRE_FALSE(queue.ok());
  CHECK(queue.rejection().reason == v1::NOT_AUTHORIZED);
  CHECK(queue.rejection().detail.find("sh-kiel-buergeramt") != std::string::npos);
}

TEST_CASE("CURVE: a portal may only submit as the author in the header; nothing is stored") {
  SecureBroker s;
  auto portal = client::Client::connect(s.options("psw:02000001", v1::PORTAL, s.portal));
  REQUIRE(portal.ok());
  auto r = (*portal)->submit(testing::sampleMessage("gewerbeanmeldung-2.0-muenchen.xml"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->accepted());
  CHECK(r->reason() == v1::IDENTITY_MISMATCH);
  CHECK(r->detail().find("psw:09000001") != std::string::npos);
  auto status = (*portal)->status();
  REQUIRE(status.ok());
  for (const auto& q : status->queues()) CHECK(q.depth() == 0);
}

TEST_CASE("CURVE: a portal registered for certain services may submit only those") {
  SecureBroker s;
  auto portal = client::Client::connect(s.options("psw:02000001", v1::PORTAL, s.portal));
  REQUIRE(portal.ok());
  CHECK((*portal)->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml"))->accepted());
  auto r = (*portal)->submit(testing::sampleMessage("wohnsitzanmeldung-2.0-hamburg.xml"));
  REQUIRE(r.ok());
  CHECK(r->reason() == v1::NOT_AUTHORIZED);
  CHECK(r->detail() == "participant 'psw:02000001' may not submit service '99115001001000'");
}

TEST_CASE("CURVE: a participant removed from the registry is refused after a reload") {
  SecureBroker s;
  auto backend = client::Client::connect(s.options("hh-gewerbeamt", v1::BACKEND, s.backend));
  REQUIRE(backend.ok());
  s.reloadWith("id = \"hh-gewerbeamt\"", "id = \"hh-removed-xx\"");
  CHECK(s.broker.log().find("participant removed from the registry") != std::string::npos);
  auto again = client::Client::connect(s.options("hh-gewerbeamt", v1::BACKEND, s.backend));
  CHECK_FALSE(again.ok());
}

TEST_CASE("limits: a flooding portal gets RATE_LIMITED, another portal's messages all go through") {
  BrokerProcess broker("[limits]\nsubmit_rate = 50.0\nsubmit_burst = 20.0\n");
  broker.start();
  auto flood = broker.connect("psw:02000001", v1::PORTAL);
  auto calm = broker.connect("psw:01000001", v1::PORTAL);
  for (int i = 0; i < 500; ++i)
    flood->post(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml"));
  int calm_accepted = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = calm->submit(testing::sampleMessage("wohnsitzanmeldung-1.0-kiel.xml"));
    calm_accepted += r.ok() && r->accepted() ? 1 : 0;
    std::this_thread::sleep_for(50ms);  // 20/s: within its 50/s
  }
  CHECK(calm_accepted == 10);
  int limited = 0, accepted = 0;
  while (auto in = testing::nextOf(*flood, v1::SUBMIT_RESULT, 1000ms)) {
    const auto& r = in->envelope.submit_result();
    if (r.accepted()) ++accepted;
    if (r.reason() == v1::RATE_LIMITED) ++limited;
  }
  CHECK(accepted + limited == 500);
  CHECK(limited > 400);
  CHECK(accepted >= 20);
}

TEST_CASE("CURVE: after a key is replaced, connections with the old key are dropped and refused") {
  SecureBroker s;
  auto backend = client::Client::connect(s.options("hh-gewerbeamt", v1::BACKEND, s.backend));
  REQUIRE(backend.ok());
  const auto fresh = wire::generateCurveKeys();
  s.reloadWith(s.backend.public_key, fresh.public_key);
  CHECK(s.broker.log().find("its key or role changed") != std::string::npos);
  // The old connection is still open at the ZeroMQ level; its next HELLO is refused.
  auto status = (*backend)->status();
  REQUIRE_FALSE(status.ok());
  CHECK(status.rejection().reason == v1::UNAUTHENTICATED);
  auto renewed = client::Client::connect(s.options("hh-gewerbeamt", v1::BACKEND, fresh));
  CHECK(renewed.ok());
}
