// Runtime: what the broker builds from its configuration. At start a part that cannot load
// stops it with the reason; a route to a queue no registered back-end may receive from is such a
// reason (messages would wait there for ever), but only when there is a registry.
#include "broker/runtime/runtime.h"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

Participant backend(const std::string& id, std::vector<std::string> queues) {
  Participant p;
  p.id = id;
  p.role = v1::BACKEND;
  p.queues = std::move(queues);
  return p;
}

BrokerConfig routed(std::vector<Participant> participants) {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  c.participants = std::move(participants);
  c.routes = {{"", "02", "", "hh-gewerbeamt"}, {"", "01", "", "sh-kiel"}};
  return c;
}

}  // namespace

TEST_CASE("a route to a queue no registered back-end may read stops the start, naming the route") {
  auto r = Runtime::load(routed({backend("hh-gewerbeamt", {"hh-gewerbeamt"})}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.rejection().detail ==
        "x.toml: routes[1].destination 'sh-kiel': no registered back-end may receive from this "
        "queue");
  // A back-end's own id is its queue when it names none.
  CHECK(Runtime::load(routed({backend("hh-gewerbeamt", {}), backend("sh-kiel", {})})).ok());
  // Without a registry anyone may say HELLO for any queue: loaded, with a warning.
  CHECK(Runtime::load(routed({})).ok());
}

TEST_CASE(
    "the runtime reloads the participants from its file and keeps its parts when the file is "
    "broken") {
  testing::TempDir dir;
  const auto file = dir.path() / "ozgbus.toml";
  std::ofstream(file)
      << "[broker]\ninsecure = true\n[[participants]]\nid = \"a\"\nrole = \"portal\"\n";
  auto config = loadConfig(file);
  REQUIRE(config.ok());
  auto r = Runtime::load(std::move(*config));
  REQUIRE(r.ok());
  CHECK((*r)->participants().get()->byId("a") != nullptr);
  std::ofstream(file)
      << "[broker]\ninsecure = true\n[[participants]]\nid = \"b\"\nrole = \"portal\"\n";
  CHECK((*r)->reload());
  CHECK((*r)->participants().get()->byId("a") == nullptr);
  CHECK((*r)->participants().get()->byId("b") != nullptr);
  std::ofstream(file) << "[broker\n";
  CHECK_FALSE((*r)->reload());
  CHECK((*r)->participants().get()->byId("b") != nullptr);
}

TEST_CASE(
    "the runtime reloads the header mappings and keeps them when a new one does not compile") {
  testing::TempDir dir;
  const auto file = dir.path() / "ozgbus.toml";
  const std::string mapping =
      "[[headers]]\nnamespaces = [\"urn:a\"]\nprefixes = { a = \"urn:a\" }\n"
      "message_type = \"/*/a:t\"\ncreated = \"/*/a:c\"\nauthor = \"/*/a:f\"\nreader = \"/*/a:r\"\n";
  std::ofstream(file) << "[broker]\ninsecure = true\n";
  auto config = loadConfig(file);
  REQUIRE(config.ok());
  auto r = Runtime::load(std::move(*config));
  REQUIRE(r.ok());
  CHECK((*r)->headers().get()->empty());
  std::ofstream(file) << "[broker]\ninsecure = true\n" << mapping << "message_id = \"/*/a:id\"\n";
  CHECK((*r)->reload());
  REQUIRE((*r)->headers().get()->size() == 1);
  CHECK((*r)->headers().get()->front().message_id == "/*/a:id");
  std::ofstream(file) << "[broker]\ninsecure = true\n" << mapping << "message_id = \"/*/a:id[\"\n";
  (*r)->reload();
  REQUIRE((*r)->headers().get()->size() == 1);
  CHECK((*r)->headers().get()->front().message_id == "/*/a:id");
}

TEST_CASE("the runtime reloads the routes, and keeps them when a new route has no back-end") {
  testing::TempDir dir;
  const auto file = dir.path() / "ozgbus.toml";
  const std::string base =
      "[broker]\ninsecure = true\n[[participants]]\nid = \"hh\"\nrole = \"backend\"\n"
      "[[participants]]\nid = \"bs\"\nrole = \"backend\"\n";
  std::ofstream(file) << base << "[[routes]]\nars_prefix = \"02\"\ndestination = \"hh\"\n";
  auto config = loadConfig(file);
  REQUIRE(config.ok());
  auto r = Runtime::load(std::move(*config));
  REQUIRE(r.ok());
  xoev::Header h;
  h.reader = "ars:031010000000";
  CHECK_FALSE((*r)->routes().get()->route(h).ok());

  std::ofstream(file) << base << "[[routes]]\nars_prefix = \"02\"\ndestination = \"hh\"\n"
                      << "[[routes]]\nars_prefix = \"03101\"\ndestination = \"bs\"\n";
  CHECK((*r)->reload());
  auto to = (*r)->routes().get()->route(h);
  REQUIRE(to.ok());
  CHECK(*to == "bs");

  std::ofstream(file) << base << "[[routes]]\nars_prefix = \"03101\"\ndestination = \"nobody\"\n";
  (*r)->reload();
  to = (*r)->routes().get()->route(h);
  REQUIRE(to.ok());
  CHECK(*to == "bs");
}
