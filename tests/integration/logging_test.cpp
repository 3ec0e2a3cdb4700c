// The broker's log: every line about a message names it by its UUID, in the human format and in
// JSON, where each line is one JSON object however odd the text it carries.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>
#include <sstream>

#include "tests/support/broker_process.h"

using namespace ozgbus;
using testing::BrokerProcess;

namespace {

constexpr const char* kUuidPattern = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const std::regex kUuid(kUuidPattern);
// What happens to one message; the two lines of totals use the same words but name none.
const std::regex kAboutAMessage(
    "accepted|delivered|rejected|NACKed|dead letter|not stored|discarded|replayed");
const std::regex kTotals("broker stopped:|totals:");

struct Uuids {
  std::string accepted, nacked, unrouted;
};

// One message accepted and ACKed, one NACKed with a quote and a forged log line in its detail,
// one without a route;
// the broker stops cleanly, so its log is complete.
Uuids exercise(BrokerProcess& broker) {
  broker.start();
  Uuids u;
  const std::string gewerbe = "gewerbeanmeldung-1.0-hamburg.xml";  // queue hh-gewerbeamt
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 1, {"hh-gewerbeamt"});
  auto portal = broker.connect("psw:02000001", v1::PORTAL);

  REQUIRE(portal->submit(testing::sampleMessage(gewerbe, &u.accepted))->accepted());
  CHECK(testing::drainAcking(*backend, 1) == std::set<std::string>{u.accepted});

  REQUIRE(portal->submit(testing::sampleMessage(gewerbe, &u.nacked))->accepted());
  auto in = testing::nextOf(*backend, v1::DELIVER);
  REQUIRE(in);
  CHECK(in->envelope.deliver().message_uuid() == u.nacked);
  backend->nack(in->envelope.deliver().delivery_id(), v1::REJECTED_BY_RECEIVER,
                "Gewerbe \"unbekannt\"\n2026-01-01 00:00:00.000 info  FORGED", false);
  backend->status();  // the broker has the ACK and the NACK

  std::string unrouted = testing::sampleMessage(gewerbe, &u.unrouted);
  unrouted.replace(unrouted.find("ars:020000000000"), 16, "ars:110000000000");
  auto r = portal->submit(unrouted);
  REQUIRE(r.ok());
  CHECK(r->reason() == v1::NO_ROUTE);

  CHECK(broker.stop(SIGTERM) == 0);
  return u;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Every line about a message names one; each of these messages has such a line.
void checkMessageLines(const std::string& log, const Uuids& u) {
  std::string about;
  for (const std::string& line : lines(log)) {
    if (!std::regex_search(line, kAboutAMessage) || std::regex_search(line, kTotals)) continue;
    CHECK_MESSAGE(std::regex_search(line, kUuid), line);
    about += line + "\n";
  }
  for (const std::string& named :
       {"message " + u.accepted + " accepted",
        "message " + u.accepted + " delivered to hh-gewerbeamt", "message " + u.nacked + " NACKed",
        "message " + u.unrouted + " rejected"}) {
    CHECK_MESSAGE(about.find(named) != std::string::npos, named << " in\n" << about);
  }
}

// The one shape the JSON format has: the text is a JSON string, closed by its last quote.
bool isJsonLine(const std::string& line) {
  const std::string msg = R"(","msg":")";
  if (line.rfind(R"({"time":")", 0) != 0 || line.find(R"(","level":")") == std::string::npos) {
    return false;
  }
  auto at = line.find(msg);
  if (at == std::string::npos) return false;
  for (at += msg.size(); at < line.size(); ++at) {
    if (line[at] == '\\') {
      ++at;
    } else if (line[at] == '"') {
      return line.substr(at + 1) == "}";
    }
  }
  return false;
}

}  // namespace

TEST_CASE("every log line about a message names its UUID") {
  BrokerProcess broker("", "debug");
  const Uuids u = exercise(broker);
  checkMessageLines(broker.log(), u);
  // Text from a client cannot start a line of its own.
  for (const std::string& line : lines(broker.log()))
    CHECK_MESSAGE(line.rfind("2026-01-01", 0) != 0, line);
  CHECK(broker.log().find("unbekannt\"\\n2026-01-01") != std::string::npos);
}

TEST_CASE("the JSON log is one object per line, and names the message in each line about one") {
  BrokerProcess broker("", "debug", "insecure = true\nlog_format = \"json\"\n");
  const Uuids u = exercise(broker);
  const std::string log = broker.log();
  for (const std::string& line : lines(log)) CHECK_MESSAGE(isJsonLine(line), line);
  checkMessageLines(log, u);
  CHECK(log.find(R"(Gewerbe \"unbekannt\"\n2026)") != std::string::npos);
  // A field of its own, for log collectors.
  for (const std::string& line : lines(log)) {
    std::smatch m;
    if (!std::regex_search(line, m, std::regex("message (" + std::string(kUuidPattern) + ")")))
      continue;
    CHECK_MESSAGE(line.find("\"message_uuid\":\"" + m[1].str() + "\"") != std::string::npos, line);
  }
}
