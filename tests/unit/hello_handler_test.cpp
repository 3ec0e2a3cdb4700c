// HelloHandler alone: HELLO makes a session (credit capped at delivery.max_credit, a back-end's
// queues) and is answered WELCOME with the session settings, or ERROR with the reason; a second
// HELLO on a connection closes its open session first. With CURVE on (a secure Runtime), the
// connection's bound participant, key, role and queues are checked against the registry.
#include "broker/transport/hello_handler.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

const std::string kPortalKey = "portal-curve-key-0000000000000000000000A";
const std::string kBackendKey = "backend-curve-key-000000000000000000000B";

BrokerConfig insecureConfig() {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  c.delivery.default_credit = 10;
  c.delivery.max_credit = 100;
  c.session.heartbeat_interval = std::chrono::milliseconds(1500);
  c.session.timeout = std::chrono::milliseconds(7000);
  return c;
}

BrokerConfig secureConfig() {
  BrokerConfig c = insecureConfig();
  c.insecure = false;
  Participant portal;
  portal.id = "psw:02000001";
  portal.role = v1::PORTAL;
  portal.curve_public_key = kPortalKey;
  Participant backend;
  backend.id = "hh-gewerbe";
  backend.role = v1::BACKEND;
  backend.curve_public_key = kBackendKey;
  backend.queues = {"hh", "hh-archiv"};
  c.participants = {portal, backend};
  return c;
}

wire::Frames hello(const std::string& participant, v1::Role role, std::uint32_t credit = 0,
                   const std::vector<std::string>& queues = {}) {
  wire::Frames f;
  f.envelope = wire::makeEnvelope(v1::HELLO, 42);
  v1::Hello* h = f.envelope.mutable_hello();
  h->set_participant_id(participant);
  h->set_role(role);
  h->set_credit(credit);
  for (const std::string& q : queues) h->add_queues(q);
  return f;
}

struct Fixture {
  explicit Fixture(BrokerConfig c = insecureConfig())
      : runtime(std::move(*Runtime::load(std::move(c)))),
        dispatcher(
            runtime->config().delivery, store, clock,
            [](Session&, const QueuedMessage&) { return true; }, writes),
        handler(HelloHandler::Context{*runtime, sessions, dispatcher, replies, counters, clock,
                                      [this](const std::string& identity) {
                                        // As the router loop's dropSession: the old session goes.
                                        closed.emplace_back(identity,
                                                            sessions.at(identity).session_id);
                                        dispatcher.detach(sessions.at(identity), false);
                                        sessions.erase(identity);
                                      }}) {}

  ReasonCode errorReason() const {
    REQUIRE_FALSE(replies.sent.empty());
    REQUIRE(replies.last().envelope.command() == v1::ERROR);
    return replies.last().envelope.error().reason();
  }

  std::unique_ptr<Runtime> runtime;
  testing::FakeReader store;
  util::ManualClock clock;
  testing::RecordingCommits writes;
  Sessions sessions;
  testing::RecordingReplies replies;
  BrokerCounters counters;
  std::vector<std::pair<std::string, std::string>> closed;  // identity, session id closed
  Dispatcher dispatcher;
  HelloHandler handler;
};

}  // namespace

TEST_CASE(
    "HELLO makes a session with its credit capped and answers WELCOME with the session settings") {
  Fixture f;
  f.handler.handle("conn-1", "", "", hello("hh-gewerbe", v1::BACKEND, 5000));
  REQUIRE(f.sessions.count("conn-1") == 1);
  const Session& s = f.sessions.at("conn-1");
  CHECK(s.participant == "hh-gewerbe");
  CHECK(s.role == v1::BACKEND);
  CHECK(s.credit == 100);  // delivery.max_credit, not the 5000 asked for
  CHECK(s.queues == std::vector<std::string>{"hh-gewerbe"});  // none asked: its own name
  CHECK(s.connected_at_ms == f.clock.wallMillis());
  REQUIRE(f.replies.sent.size() == 1);
  const auto& sent = f.replies.last();
  CHECK(sent.identity == "conn-1");
  CHECK(sent.envelope.command() == v1::WELCOME);
  CHECK(sent.envelope.correlation_id() == 42);
  CHECK(sent.envelope.welcome().session_id() == s.session_id);
  CHECK(sent.envelope.welcome().heartbeat_interval_ms() == 1500);
  CHECK(sent.envelope.welcome().session_timeout_ms() == 7000);
  CHECK(sent.envelope.welcome().broker_version() == OZGBUS_VERSION);
  REQUIRE(f.dispatcher.queues().size() == 1);
  CHECK(f.dispatcher.queues().front().name == "hh-gewerbe");
  CHECK(f.dispatcher.queues().front().consumers == 1);

  f.handler.handle("conn-2", "", "", hello("psw:02000001", v1::PORTAL));
  CHECK(f.sessions.at("conn-2").credit == 10);  // none asked: delivery.default_credit
  CHECK(f.sessions.at("conn-2").queues.empty());
  CHECK(f.counters.errors == 0);
}

TEST_CASE("HELLO without participant_id or without a role is MALFORMED_FRAME") {
  Fixture f;
  f.handler.handle("conn-1", "", "", hello("", v1::PORTAL));
  CHECK(f.errorReason() == v1::MALFORMED_FRAME);
  CHECK(f.replies.last().envelope.correlation_id() == 42);
  f.handler.handle("conn-1", "", "", hello("psw:02000001", v1::ROLE_UNSPECIFIED));
  CHECK(f.errorReason() == v1::MALFORMED_FRAME);
  wire::Frames bare;
  bare.envelope = wire::makeEnvelope(v1::HELLO, 3);  // no hello body at all
  f.handler.handle("conn-1", "", "", bare);
  CHECK(f.errorReason() == v1::MALFORMED_FRAME);
  CHECK(f.sessions.empty());
  CHECK(f.counters.errors == 3);
}

TEST_CASE(
    "a second HELLO on the same connection closes the open session before the new one is made") {
  Fixture f;
  f.handler.handle("conn-1", "", "", hello("hh-gewerbe", v1::BACKEND, 5));
  const std::string first = f.sessions.at("conn-1").session_id;
  CHECK(f.closed.empty());
  f.handler.handle("conn-1", "", "", hello("hh-gewerbe", v1::BACKEND, 7));
  REQUIRE(f.closed.size() == 1);
  CHECK(f.closed[0].first == "conn-1");
  CHECK(f.closed[0].second == first);  // the close saw the old session, still in place
  REQUIRE(f.sessions.count("conn-1") == 1);
  CHECK(f.sessions.at("conn-1").session_id != first);
  CHECK(f.sessions.at("conn-1").credit == 7);
  CHECK(f.dispatcher.queues().front().consumers == 1);  // not two
  CHECK(f.replies.sent.size() == 2);
  CHECK(f.replies.last().envelope.command() == v1::WELCOME);
}

TEST_CASE("with CURVE, HELLO as another participant than the key's is IDENTITY_MISMATCH") {
  Fixture f(secureConfig());
  f.handler.handle("conn-1", "psw:02000001", kPortalKey, hello("psw:09999999", v1::PORTAL));
  CHECK(f.errorReason() == v1::IDENTITY_MISMATCH);
  CHECK(f.sessions.empty());
}

TEST_CASE("with CURVE, a key that is no longer the participant's is UNAUTHENTICATED") {
  Fixture f(secureConfig());
  f.handler.handle("conn-1", "psw:02000001", kBackendKey, hello("psw:02000001", v1::PORTAL));
  CHECK(f.errorReason() == v1::UNAUTHENTICATED);
  f.handler.handle("conn-2", "psw:unknown", kPortalKey, hello("psw:unknown", v1::PORTAL));
  CHECK(f.errorReason() == v1::UNAUTHENTICATED);
  CHECK(f.sessions.empty());
}

TEST_CASE("with CURVE, HELLO in a role the participant is not registered for is NOT_AUTHORIZED") {
  Fixture f(secureConfig());
  f.handler.handle("conn-1", "psw:02000001", kPortalKey, hello("psw:02000001", v1::BACKEND));
  CHECK(f.errorReason() == v1::NOT_AUTHORIZED);
  CHECK(f.sessions.empty());
  f.handler.handle("conn-1", "psw:02000001", kPortalKey, hello("psw:02000001", v1::PORTAL));
  CHECK(f.replies.last().envelope.command() == v1::WELCOME);
  CHECK(f.sessions.at("conn-1").curve_key == kPortalKey);
}

TEST_CASE("with CURVE, a back-end asking for a queue it may not read is NOT_AUTHORIZED") {
  Fixture f(secureConfig());
  f.handler.handle("conn-1", "hh-gewerbe", kBackendKey,
                   hello("hh-gewerbe", v1::BACKEND, 5, {"hh", "bw"}));
  CHECK(f.errorReason() == v1::NOT_AUTHORIZED);
  CHECK(f.replies.last().envelope.error().detail().find("'bw'") != std::string::npos);
  CHECK(f.sessions.empty());
  CHECK(f.dispatcher.queues().empty());
}

TEST_CASE("with CURVE, a back-end asking for no queue gets the queues the registry allows it") {
  Fixture f(secureConfig());
  f.handler.handle("conn-1", "hh-gewerbe", kBackendKey, hello("hh-gewerbe", v1::BACKEND, 5));
  REQUIRE(f.sessions.count("conn-1") == 1);
  CHECK(f.sessions.at("conn-1").queues == std::vector<std::string>{"hh", "hh-archiv"});
  f.handler.handle("conn-2", "hh-gewerbe", kBackendKey,
                   hello("hh-gewerbe", v1::BACKEND, 5, {"hh-archiv"}));
  REQUIRE(f.sessions.count("conn-2") == 1);
  CHECK(f.sessions.at("conn-2").queues == std::vector<std::string>{"hh-archiv"});
  CHECK(f.counters.errors == 0);
}
