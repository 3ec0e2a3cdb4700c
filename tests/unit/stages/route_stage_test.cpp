// RouteStage alone: from the header the header stage read, it sets message.destination (the
// queue) and notes it; a reader no rule serves is NO_ROUTE, naming reader, ARS digits and
// service. Built by its factory it routes with the configuration's [[routes]].
#include "broker/pipeline/route_stage.h"

#include <doctest/doctest.h>

#include "broker/runtime/runtime.h"
#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

const util::Snapshot<RoutingTable> kRoutes(
    std::make_shared<const RoutingTable>(std::vector<RouteRule>{
        {"", "02", "99050012104000", "hh-gewerbe"},
        {"", "02", "", "hh"},
        {"psw:01003110", "", "", "kiel-portal"},
    }));

// A message as the header stage leaves it.
Message withHeader(std::string reader, std::string service = "") {
  Message m;
  m.header.message_uuid = "693c64d6-456f-4d14-abe7-fe9681c74aae";
  m.header.message_type = "0100";
  m.header.author = "psw:02000001";
  m.header.reader = std::move(reader);
  m.header.service = std::move(service);
  return m;
}

std::string routed(Stage& stage, Message m) {
  const auto r = stage.process(m);
  CHECK_MESSAGE(!r, (r ? r->toString() : ""));
  CHECK(m.note == "to " + m.destination);
  return m.destination;
}

}  // namespace

TEST_CASE("route stage sets the destination queue chosen by reader and service") {
  RouteStage stage(kRoutes);
  CHECK(stage.name() == "route");
  CHECK(stage.traceEvent() == "routed");
  CHECK(routed(stage, withHeader("ars:020000000000")) == "hh");
  CHECK(routed(stage, withHeader("ars:020000000000", "99050012104000")) == "hh-gewerbe");
  CHECK(routed(stage, withHeader("psw:01003110")) == "kiel-portal");
}

TEST_CASE("route stage refuses a reader no rule serves as NO_ROUTE") {
  RouteStage stage(kRoutes);
  Message m = withHeader("ars:110000000000");
  auto r = stage.process(m);
  REQUIRE(r);
  CHECK(r->reason == v1::NO_ROUTE);
  CHECK(r->detail ==
        "no route for reader 'ars:110000000000' (ARS digits '110000000000'), service '0100'");
  CHECK(m.destination.empty());
  CHECK(m.note.empty());
}

TEST_CASE(
    "route stage built by its factory routes with the configured routes after the header stage") {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  c.routes = {{"", "0916", "", "muenchen"}};
  auto runtime = Runtime::load(std::move(c));
  REQUIRE_MESSAGE(runtime.ok(), runtime.rejection().detail);
  testing::RecordingCommits commits;
  util::ManualClock clock;
  const StageContext ctx{**runtime, commits, clock};

  const std::vector<std::string> in_order = {"parse", "header", "route", "persist"};
  auto stage = RouteStage::create(ctx, StagePlacement{in_order, 2});
  REQUIRE(stage.ok());
  CHECK(routed(**stage, withHeader("ars:091620000000")) == "muenchen");
  Message hamburg = withHeader("ars:020000000000");
  auto r = (*stage)->process(hamburg);
  REQUIRE(r);
  CHECK(r->reason == v1::NO_ROUTE);

  const std::vector<std::string> too_early = {"parse", "route", "header", "persist"};
  auto refused = RouteStage::create(ctx, StagePlacement{too_early, 1});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.rejection().detail ==
        "x.toml: pipeline.stages: \"route\" needs \"header\" before it (it routes by the reader)");
}
