// SubmitHandler alone: a portal's SUBMIT goes to the pipeline function with its origin, sender
// and the clock's time; every refusal before the pipeline (role, stopping, payload frames, size,
// rate) is answered SUBMIT_RESULT not accepted and counted in the RejectionLog.
#include "broker/transport/submit_handler.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

BrokerConfig smallLimits() {
  BrokerConfig c;
  c.insecure = true;
  c.limits.max_bytes = 64;
  c.submit.rate = 1;  // one token per second, two at once
  c.submit.burst = 2;
  c.submit.max_in_flight = 100;
  return c;
}

wire::Frames submit(std::uint64_t correlation, const std::vector<std::string>& documents) {
  wire::Frames f;
  f.envelope = wire::makeEnvelope(v1::SUBMIT, correlation);
  for (const std::string& d : documents) f.payloads.emplace_back(d.data(), d.size());
  return f;
}

Session session(const std::string& identity, const std::string& participant, v1::Role role) {
  Session s;
  s.identity = identity;
  s.participant = participant;
  s.role = role;
  return s;
}

struct Fixture {
  Fixture()
      : limiter(config.submit),
        rejections(counters, nullptr, clock),
        handler(SubmitHandler::Context{config, limiter, draining, replies, rejections, counters,
                                       [this](Message m) { piped.push_back(std::move(m)); }, clock,
                                       bytes_in_flight}) {}

  // The one answer a refused SUBMIT got.
  const v1::SubmitResult& refusal(std::uint64_t correlation) const {
    REQUIRE(replies.sent.size() == 1);
    REQUIRE(replies.last().envelope.command() == v1::SUBMIT_RESULT);
    CHECK(replies.last().envelope.correlation_id() == correlation);
    CHECK_FALSE(replies.last().envelope.submit_result().accepted());
    return replies.last().envelope.submit_result();
  }

  BrokerConfig config = smallLimits();
  util::ManualClock clock;
  std::uint64_t bytes_in_flight = 0;
  BrokerCounters counters;
  SubmitLimiter limiter;
  RejectionLog rejections;
  bool draining = false;
  testing::RecordingReplies replies;
  std::vector<Message> piped;
  SubmitHandler handler;
};

}  // namespace

TEST_CASE(
    "a portal's SUBMIT goes to the pipeline with its connection, sender and the clock's time") {
  Fixture f;
  f.clock.advance(std::chrono::seconds(3));
  Session s = session("conn-1", "psw:02000001", v1::PORTAL);
  auto frames = submit(7, {"<doc/>"});
  f.handler.handle(s, frames);
  REQUIRE(f.piped.size() == 1);
  const Message& m = f.piped[0];
  const auto* from = std::get_if<FromConnection>(&m.origin);
  REQUIRE(from != nullptr);
  CHECK(from->identity == "conn-1");
  CHECK(from->correlation == 7);
  CHECK(m.sender == "psw:02000001");
  CHECK(m.received_at_ms == 1'700'000'003'000);
  REQUIRE(m.raw != nullptr);
  CHECK(*m.raw == "<doc/>");
  CHECK(f.replies.sent.empty());  // answered later, by the outcome
  CHECK(f.counters.submitted == 1);
  CHECK(f.counters.rejected == 0);

  Session peer = session("conn-2", "broker-b", v1::PEER);
  auto more = submit(8, {"<doc/>"});
  f.handler.handle(peer, more);
  CHECK(f.piped.size() == 2);
}

TEST_CASE("a back-end may not SUBMIT") {
  Fixture f;
  Session s = session("conn-1", "hh-gewerbe", v1::BACKEND);
  auto frames = submit(5, {"<doc/>"});
  f.handler.handle(s, frames);
  CHECK(f.refusal(5).reason() == v1::NOT_AUTHORIZED);
  CHECK(f.piped.empty());
  CHECK(f.counters.submitted == 1);
  CHECK(f.counters.rejected == 1);
  REQUIRE(f.rejections.recent().size() == 1);
  CHECK(f.rejections.recent().front().reason == "NOT_AUTHORIZED");
  CHECK(f.rejections.recent().front().sender == "hh-gewerbe");
}

TEST_CASE("while the broker drains a SUBMIT is answered SHUTTING_DOWN") {
  Fixture f;
  f.draining = true;
  Session s = session("conn-1", "psw:02000001", v1::PORTAL);
  auto frames = submit(6, {"<doc/>"});
  f.handler.handle(s, frames);
  CHECK(f.refusal(6).reason() == v1::SHUTTING_DOWN);
  CHECK(f.piped.empty());
  CHECK(f.counters.rejected == 1);
}

TEST_CASE("a SUBMIT without a payload frame or with two is MALFORMED_FRAME") {
  Fixture f;
  Session s = session("conn-1", "psw:02000001", v1::PORTAL);
  auto none = submit(1, {});
  f.handler.handle(s, none);
  CHECK(f.refusal(1).reason() == v1::MALFORMED_FRAME);
  CHECK(f.refusal(1).detail().find("got 0") != std::string::npos);
  f.replies.sent.clear();
  auto two = submit(2, {"<a/>", "<b/>"});
  f.handler.handle(s, two);
  CHECK(f.refusal(2).reason() == v1::MALFORMED_FRAME);
  CHECK(f.refusal(2).detail().find("got 2") != std::string::npos);
  CHECK(f.piped.empty());
  CHECK(f.counters.rejected == 2);
  CHECK(f.rejections.recent().front().reason == "MALFORMED_FRAME");
}

TEST_CASE("a SUBMIT over limits.max_bytes is TOO_LARGE") {
  Fixture f;
  Session s = session("conn-1", "psw:02000001", v1::PORTAL);
  auto big = submit(9, {"<doc>" + std::string(64, 'x') + "</doc>"});
  f.handler.handle(s, big);
  CHECK(f.refusal(9).reason() == v1::TOO_LARGE);
  CHECK(f.refusal(9).detail().find("limit is 64") != std::string::npos);
  CHECK(f.piped.empty());
  CHECK(f.counters.rejected == 1);
}

TEST_CASE("a SUBMIT over the participant's rate is RATE_LIMITED until tokens come back") {
  Fixture f;
  Session s = session("conn-1", "psw:02000001", v1::PORTAL);
  for (std::uint64_t c = 1; c <= 2; ++c) {  // the burst
    auto frames = submit(c, {"<doc/>"});
    f.handler.handle(s, frames);
  }
  CHECK(f.piped.size() == 2);
  CHECK(f.replies.sent.empty());
  auto third = submit(3, {"<doc/>"});
  f.handler.handle(s, third);
  CHECK(f.refusal(3).reason() == v1::RATE_LIMITED);
  CHECK(f.piped.size() == 2);
  CHECK(f.counters.rejected == 1);
  CHECK(f.rejections.recent().front().reason == "RATE_LIMITED");
  f.clock.advance(std::chrono::seconds(1));  // one token back
  auto fourth = submit(4, {"<doc/>"});
  f.handler.handle(s, fourth);
  CHECK(f.piped.size() == 3);
}
