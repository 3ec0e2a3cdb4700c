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
