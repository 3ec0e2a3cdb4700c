#include "broker/config/config.h"

#include <doctest/doctest.h>

#include <map>

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
  REQUIRE(c->headers.size() == 1);  // the type-from-root check for ozgbus's own namespaces
  CHECK(c->headers[0].namespaces == c->schemas.namespaces);
  CHECK(c->headers[0].type_from_root);
  CHECK(c->headers[0].builtinShape());
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

TEST_CASE("headers mappings: every key of a headers table is read") {
  const std::string text = kDev +
                           "[[headers]]\n"
                           "namespaces = [\"urn:example:a\", \"urn:example:a2\"]\n"
                           "prefixes = { k = \"urn:example:k\", x = \"urn:example:x\" }\n"
                           "message_id = '/*/k:Kopf/k:ProzessID'\n"
                           "message_type = '/*/k:Kopf/k:Nachrichtentyp/code'\n"
                           "created = '/*/k:Kopf/k:Erstellt'\n"
                           "author = '/*/k:Kopf/k:Absender/@kennung'\n"
                           "reader = '/*/k:Kopf/k:Empfaenger'\n"
                           "service = '/*/k:Kopf/x:Dienst'\n"
                           "id_format = \"any\"\n"
                           "max_id_length = 64\n"
                           "type_from_root = true\n";
  auto c = parseConfig(text, "/etc/ozgbus/ozgbus.toml");
  REQUIRE_MESSAGE(c.ok(), c.rejection().toString());
  REQUIRE(c->headers.size() == 1);
  const xoev::HeaderMapping& m = c->headers[0];
  CHECK(m.namespaces == std::vector<std::string>{"urn:example:a", "urn:example:a2"});
  CHECK(m.prefixes ==
        std::map<std::string, std::string>{{"k", "urn:example:k"}, {"x", "urn:example:x"}});
  CHECK(m.message_id == "/*/k:Kopf/k:ProzessID");
  CHECK(m.message_type == "/*/k:Kopf/k:Nachrichtentyp/code");
  CHECK(m.created == "/*/k:Kopf/k:Erstellt");
  CHECK(m.author == "/*/k:Kopf/k:Absender/@kennung");
  CHECK(m.reader == "/*/k:Kopf/k:Empfaenger");
  CHECK(m.service == "/*/k:Kopf/x:Dienst");
  CHECK(m.id_format == xoev::IdFormat::kAny);
  CHECK(m.max_id_length == 64u);
  CHECK(m.type_from_root);
  CHECK(m.where == "ozgbus.toml [[headers]] #1");
  CHECK(m.where.rfind("ozgbus.toml", 0) == 0);
  const std::string tail = "[[headers]] #1";
  REQUIRE(m.where.size() >= tail.size());
  CHECK(m.where.compare(m.where.size() - tail.size(), tail.size(), tail) == 0);
  CHECK_FALSE(m.builtinShape());
}

TEST_CASE("headers mappings: defaults apply and each table is numbered") {
  auto none = parseConfig(kDev, "x.toml");
  REQUIRE(none.ok());
  CHECK(none->headers.empty());

  auto c = parseConfig(kDev +
                           "[[headers]]\nnamespaces = [\"urn:x\"]\n"
                           "[[headers]]\nnamespaces = [\"urn:y\"]\ntype_from_root = true\n",
                       "/etc/ozgbus/ozgbus.toml");
  REQUIRE_MESSAGE(c.ok(), c.rejection().toString());
  REQUIRE(c->headers.size() == 2);
  const xoev::HeaderMapping& first = c->headers[0];
  CHECK(first.namespaces == std::vector<std::string>{"urn:x"});
  CHECK(first.prefixes.empty());
  CHECK(first.builtinShape());
  CHECK(first.id_format == xoev::IdFormat::kUuid);
  CHECK(first.max_id_length == 128u);
  CHECK_FALSE(first.type_from_root);
  CHECK(first.where == "ozgbus.toml [[headers]] #1");
  CHECK(c->headers[1].where == "ozgbus.toml [[headers]] #2");
  CHECK(c->headers[1].type_from_root);
}

TEST_CASE("headers mappings: errors name the headers key") {
  auto guid =
      parseConfig(kDev + "[[headers]]\nnamespaces = [\"urn:x\"]\nid_format = \"guid\"\n", "x.toml");
  REQUIRE_FALSE(guid.ok());
  CHECK(guid.rejection().detail.find("headers[0].id_format") != std::string::npos);
  CHECK(guid.rejection().detail == "x.toml: headers[0].id_format must be \"uuid\" or \"any\"");

  auto no_namespaces = parseConfig(kDev + "[[headers]]\nid_format = \"any\"\n", "x.toml");
  REQUIRE_FALSE(no_namespaces.ok());
  CHECK(no_namespaces.rejection().detail.find("headers[0].namespaces") != std::string::npos);

  auto second = parseConfig(
      kDev + "[[headers]]\nnamespaces = [\"urn:x\"]\n[[headers]]\nid_format = \"any\"\n", "x.toml");
  REQUIRE_FALSE(second.ok());
  CHECK(second.rejection().detail.find("headers[1].namespaces") != std::string::npos);

  std::string top_level = "headers = 3\n";  // before [broker]: a key of the file, not of [broker]
  top_level += kDev;
  auto not_array = parseConfig(top_level, "x.toml");
  REQUIRE_FALSE(not_array.ok());
  CHECK(not_array.rejection().detail.find("headers") != std::string::npos);
  CHECK(not_array.rejection().detail.find("array of tables") != std::string::npos);

  auto prefixes =
      parseConfig(kDev + "[[headers]]\nnamespaces = [\"urn:x\"]\nprefixes = 3\n", "x.toml");
  REQUIRE_FALSE(prefixes.ok());
  CHECK(prefixes.rejection().detail.find("headers[0].prefixes") != std::string::npos);

  auto length =
      parseConfig(kDev + "[[headers]]\nnamespaces = [\"urn:x\"]\nmax_id_length = 0\n", "x.toml");
  REQUIRE_FALSE(length.ok());
  CHECK(length.rejection().detail.find("headers[0].max_id_length") != std::string::npos);

  auto typo =
      parseConfig(kDev + "[[headers]]\nnamespaces = [\"urn:x\"]\nmesage_id = '/a'\n", "x.toml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.rejection().detail.find("'mesage_id'") != std::string::npos);
}

TEST_CASE("store.backend: postgres needs a url without a password, sqlite takes none") {
  const auto error = [](const std::string& store) {
    auto c = parseConfig(kDev + "[store]\n" + store, "/etc/ozgbus/ozgbus.toml");
    return c.ok() ? std::string() : c.rejection().detail;
  };
  CHECK(error("backend = \"mysql\"\n").find("store.backend") != std::string::npos);
  CHECK(error("backend = \"postgres\"\n").find("store.url") != std::string::npos);
  CHECK(error("url = \"postgresql://a@b/c\"\n").find("store.url") != std::string::npos);
  for (const char* url :
       {"postgresql://ozgbus:secret@db/ozgbus", "postgresql://ozgbus@db/ozgbus?password=secret"}) {
    CAPTURE(url);
    const std::string why = error(std::string("backend = \"postgres\"\nurl = \"") + url + "\"\n");
    CHECK(why.find("must not hold a password") != std::string::npos);
  }
  auto c = parseConfig(kDev +
                           "[store]\nbackend = \"postgres\"\nurl = "
                           "\"postgresql://ozgbus@db:5432/ozgbus\"\npassword_file = \"pg-pass\"\n",
                       "/etc/ozgbus/ozgbus.toml");
  REQUIRE_MESSAGE(c.ok(), c.rejection().detail);
  CHECK(c->store.backend == "postgres");
  CHECK(c->store.password_file == "/etc/ozgbus/pg-pass");
}

TEST_CASE("[cluster]: a node name for PostgreSQL only, of plain characters, with a usable lease") {
  const std::string pg = "[store]\nbackend = \"postgres\"\nurl = \"postgresql://o@db/o\"\n";
  const auto parse = [](const std::string& toml) {
    return parseConfig(kDev + toml, "/etc/ozgbus/ozgbus.toml");
  };
  const auto error = [&](const std::string& toml) {
    auto c = parse(toml);
    return c.ok() ? std::string() : c.rejection().detail;
  };
  CHECK(error("[cluster]\nnode = \"a\"\n").find("needs [store] backend = \"postgres\"") !=
        std::string::npos);
  CHECK(error(pg + "[cluster]\nnode = \"by 1\"\n").find("cluster.node must be") !=
        std::string::npos);
  CHECK(error(pg + "[cluster]\nnode = \"a\"\nlease_ms = 100\n").find("cluster.lease_ms") !=
        std::string::npos);
  CHECK(error(pg + "[cluster]\nnode = \"a\"\nleas_ms = 1000\n").find("leas_ms") !=
        std::string::npos);
  auto c = parse(pg + "[cluster]\nnode = \"by-1.x_2\"\nlease_ms = 5000\npoll_ms = 700\n");
  REQUIRE_MESSAGE(c.ok(), c.rejection().detail);
  CHECK(c->store.node == "by-1.x_2");
  CHECK(c->store.lease == std::chrono::milliseconds(5000));
  CHECK(c->store.poll == std::chrono::milliseconds(700));
  auto alone = parse(pg);
  REQUIRE(alone.ok());
  CHECK(alone->store.node.empty());  // one broker owns the store
}
