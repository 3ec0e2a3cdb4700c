#include "broker/routing/routing_table.h"

#include <doctest/doctest.h>

using namespace ozgbus;
using broker::RouteRule;
using broker::RoutingTable;

namespace {

xoev::Header header(std::string reader, std::string service = "") {
  xoev::Header h;
  h.reader = std::move(reader);
  h.service = std::move(service);
  h.message_type = "0100";
  return h;
}

const RoutingTable kTable({
    {"", "02", "99050012104000", "hh-gewerbe"},
    {"", "02", "", "hh-all"},
    {"", "0916", "", "muenchen"},
    {"", "09", "", "bayern"},
    {"psw:09000000", "", "", "exact"},
});

}  // namespace

TEST_CASE("longest ARS prefix wins") {
  CHECK(*kTable.route(header("ars:091620000000")) == "muenchen");
  CHECK(*kTable.route(header("ars:091840000000")) == "bayern");
}

TEST_CASE("a rule naming the service beats one that does not") {
  CHECK(*kTable.route(header("ars:020000000000", "99050012104000")) == "hh-gewerbe");
  CHECK(*kTable.route(header("ars:020000000000", "99115001001000")) == "hh-all");
}

TEST_CASE("an exact reader beats any prefix") {
  CHECK(*kTable.route(header("psw:09000000")) == "exact");
}

TEST_CASE("no match: NO_ROUTE names reader, digits and service") {
  auto r = kTable.route(header("ars:110000000000", "99115001001000"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.rejection().reason == v1::NO_ROUTE);
  CHECK(r.rejection().detail ==
        "no route for reader 'ars:110000000000' (ARS digits '110000000000'), service "
        "'99115001001000'");
  CHECK_FALSE(kTable.route(header("hh-gewerbeamt")).ok());
}

TEST_CASE("destinations lists each queue once") {
  CHECK(kTable.destinations() ==
        std::vector<std::string>{"bayern", "exact", "hh-all", "hh-gewerbe", "muenchen"});
}
