#include "broker/config/config.h"

#include <doctest/doctest.h>

#include "tests/support/pki.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {
const std::string kDev = "[broker]\ninsecure = true\n";
}  // namespace

TEST_CASE("the sample configuration loads next to a development PKI") {
  // As scripts/demo.sh runs it: copied next to the PKI its relative paths name.
  const auto copy = testing::pki().parent_path() / "sample-ozgbus.toml";
  std::filesystem::copy_file(std::string(OZGBUS_SOURCE_DIR) + "/samples/ozgbus.toml", copy,
                             std::filesystem::copy_options::overwrite_existing);
  auto c = loadConfig(copy);
  REQUIRE_MESSAGE(c.ok(), c.rejection().detail);
  CHECK(c->routes.size() == 4);
  CHECK(c->stages == std::vector<std::string>{"parse", "verify", "validate", "header", "route",
                                              "adapt", "sign", "persist"});
  CHECK(c->schemas.namespaces.size() == 9);
  CHECK_FALSE(c->insecure);
  CHECK(c->participants.size() >= 8);  // from pki/curve/participants.toml
  for (const auto& p : c->participants) {
    CAPTURE(p.id);
    CHECK(p.certificate_issuer.find("CN=ozgbus DEV ") == 0);  // the CA that issued its certificate
  }
  CHECK(c->signatures.trust.size() == 2);
  CHECK(c->adapter_folders.size() == 1);
  CHECK(c->store.fsync);
  CHECK(c->store.path.filename() == "ozgbus.db");
  CHECK(c->data_dir.is_absolute());
}

TEST_CASE("defaults apply to an empty file") {
  auto c = parseConfig("[broker]\ninsecure = true\n", "/etc/ozgbus/ozgbus.toml");
  REQUIRE(c.ok());
  CHECK(c->listen == "tcp://127.0.0.1:7755");
  CHECK(c->store.path == "/etc/ozgbus/data/ozgbus.db");
  CHECK(c->delivery.max_attempts == 5);
  CHECK(c->store.retain_days == 90);
}

TEST_CASE("errors name the file and key") {
  auto bad_type = parseConfig(kDev + "[delivery]\nmax_attempts = \"five\"\n", "x.toml");
  REQUIRE_FALSE(bad_type.ok());
  CHECK(bad_type.rejection().detail == "x.toml: delivery.max_attempts has the wrong type");

  auto zero = parseConfig("[broker]\ninsecure = true\nworkers = 0\n", "x.toml");
  CHECK(zero.rejection().detail == "x.toml: broker.workers must be greater than 0");

  auto retain = parseConfig(kDev + "[store]\nretain_days = -1\n", "x.toml");
  REQUIRE_FALSE(retain.ok());
  CHECK(retain.rejection().detail ==
        "x.toml: store.retain_days must be a number of days (0: keep settled messages for ever)");
  auto forever = parseConfig(kDev + "[store]\nretain_days = 0\n", "x.toml");
  REQUIRE(forever.ok());
  CHECK(forever->store.retain_days == 0);

  auto route = parseConfig(kDev + "[[routes]]\nars_prefix = \"02\"\n", "x.toml");
  CHECK(route.rejection().detail == "x.toml: routes[0].destination is required");

  auto both = parseConfig(kDev + "[[routes]]\ndestination = \"q\"\n", "x.toml");
  CHECK(both.rejection().detail == "x.toml: routes[0] needs exactly one of reader or ars_prefix");

  // What each stage needs ([schemas] for validate, ...) its factory checks: pipeline_test.cpp.

  auto secure = parseConfig("", "x.toml");
  CHECK(secure.rejection().detail ==
        "x.toml: broker.curve_secret_key_file is required (or insecure = true, for local "
        "development only)");

  auto participant =
      parseConfig(kDev + "[[participants]]\nid = \"p\"\nrole = \"king\"\n", "x.toml");
  CHECK(participant.rejection().detail ==
        "x.toml: participants[0].role must be portal, backend, peer or observer");
  auto twice = parseConfig(
      kDev +
          "[[participants]]\nid = \"a\"\nrole = \"portal\"\ncertificate_subject = \"CN=x\"\n"
          "[[participants]]\nid = \"b\"\nrole = \"portal\"\ncertificate_subject = \"CN=x\"\n",
      "x.toml");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.rejection().detail ==
        "x.toml: participants[1].certificate_subject is also a's: a certificate must name one "
        "participant");

  auto syntax = parseConfig("[broker\n", "x.toml");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.rejection().detail.rfind("x.toml:1:", 0) == 0);
}

TEST_CASE(
    "an unknown key or table is an error naming the file, the line and the closest known key") {
  auto key = parseConfig(kDev + "[delivery]\nack_timout_ms = 5000\n", "x.toml");
  REQUIRE_FALSE(key.ok());
  CHECK(key.rejection().detail ==
        "x.toml:4: unknown key 'ack_timout_ms' in [delivery] (did you mean 'ack_timeout_ms'?)");
  auto table = parseConfig(kDev + "[stroe]\npath = \"x.db\"\n", "x.toml");
  REQUIRE_FALSE(table.ok());
  CHECK(table.rejection().detail == "x.toml:3: unknown table 'stroe' (did you mean 'store'?)");
  auto broker = parseConfig("[broker]\ninsecure = true\nworkerz = 2\n", "x.toml");
  REQUIRE_FALSE(broker.ok());
  CHECK(broker.rejection().detail ==
        "x.toml:3: unknown key 'workerz' in [broker] (did you mean 'workers'?)");
  auto route =
      parseConfig(kDev + "[[routes]]\nars_prefix = \"02\"\ndestinaton = \"q\"\n", "x.toml");
  REQUIRE_FALSE(route.ok());
  CHECK(route.rejection().detail ==
        "x.toml:5: unknown key 'destinaton' in [[routes]] (did you mean 'destination'?)");
  auto far = parseConfig(kDev + "[http]\nfrobnicate = 1\n", "x.toml");
  REQUIRE_FALSE(far.ok());
  CHECK(far.rejection().detail == "x.toml:4: unknown key 'frobnicate' in [http]");
}

TEST_CASE("[http]: a listener off loopback needs an admin token file; addresses are host:port") {
  auto open = parseConfig(kDev + "[http]\nlisten = \"0.0.0.0:7756\"\n", "x.toml");
  REQUIRE_FALSE(open.ok());
  CHECK(open.rejection().detail.find("http.admin_token_file") != std::string::npos);
  auto token = parseConfig(
      kDev + "[http]\nlisten = \"0.0.0.0:7756\"\nadmin_token_file = \"token\"\n", "/etc/x.toml");
  REQUIRE_MESSAGE(token.ok(), token.rejection().toString());
  CHECK(token->http_admin_token_file == "/etc/token");
  CHECK(token->http_probe_listen == "127.0.0.1:7758");
  auto v6 = parseConfig(kDev + "[http]\nlisten = \"[::1]:7756\"\nprobe_listen = \"\"\n", "x.toml");
  REQUIRE_MESSAGE(v6.ok(), v6.rejection().toString());
  CHECK(v6->http_probe_listen.empty());
  for (const char* bad : {"7758", "127.0.0.1:", "127.0.0.1:x1"}) {
    auto r = parseConfig(kDev + "[http]\nprobe_listen = \"" + bad + "\"\n", "x.toml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.rejection().detail.find("http.probe_listen") != std::string::npos);
  }
}
