// Every instant the broker records — in a message's trace, in the audit log, in receipts and
// deliveries, in the overview — is wall-clock time: a message is taken through its whole life
// (submit, deliver, ACK, receipt, receipt ACK, dead letter, replay, discard, retention) and each
// recorded instant must lie between this test's start and end. Receipt acknowledgements were
// once stamped with the time since boot (1970-01-01 in every trace and in the hash chain).
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <ctime>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/broker_process.h"

using namespace ozgbus;
using testing::BrokerProcess;

namespace {

std::int64_t wallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Every "at_ms": / "now_ms": / "started_at_ms": number in a JSON body.
std::vector<std::int64_t> instantsIn(const std::string& json) {
  static const std::regex field("\"(at_ms|now_ms|started_at_ms|connected_at_ms)\":(-?[0-9]+)");
  std::vector<std::int64_t> out;
  for (std::sregex_iterator it(json.begin(), json.end(), field), end; it != end; ++it) {
    out.push_back(std::stoll((*it)[2].str()));
  }
  return out;
}

// "2026-12-05T21:55:01.123Z" as printed by `ozgbus audit show`, in Unix milliseconds.
std::int64_t parseUtc(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  REQUIRE(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                      &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) == 7);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

struct Life {
  Life()
      : broker(
            "[delivery]\nmax_attempts = 1\nack_timeout_ms = 60000\n"
            "[store]\nretain_days = 0.00003\nretention_interval_ms = 200\n") {
    broker.start();
    http = std::make_unique<httplib::Client>("127.0.0.1", broker.httpPort());
    http->set_read_timeout(20, 0);
    portal = broker.connect("psw:02000001", v1::PORTAL);
    backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 8);
  }

  std::string get(const std::string& path) {
    auto r = http->Get(path.c_str());
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, path << ": " << r->status << " " << r->body);
    return r->body;
  }
  std::string post(const std::string& path) {
    auto r =
        http->Post(path.c_str(), httplib::Headers{{"X-Ozgbus-Dashboard", "1"}}, "", "text/plain");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, path << ": " << r->status << " " << r->body);
    return r->body;
  }
  std::string submit() {
    std::string uuid;
    auto r = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
    REQUIRE(r.ok());
    REQUIRE(r->accepted());
    return uuid;
  }
  v1::Deliver deliver() {
    auto in = testing::nextOf(*backend, v1::DELIVER);
    REQUIRE(in);
    return in->envelope.deliver();
  }
  // A dead letter by MAX_ATTEMPTS (one attempt allowed, NACKed with requeue); its store id.
  std::string deadLetter(const std::string& uuid) {
    const v1::Deliver d = deliver();
    REQUIRE(d.message_uuid() == uuid);
    recorded.push_back(d.received_at_ms());
    backend->nack(d.delivery_id(), v1::REJECTED_BY_RECEIVER, "try later", true);
    for (int i = 0; i < 100; ++i) {
      const std::string list = get("/api/dead-letters");
      if (list.find(uuid) != std::string::npos) return std::to_string(d.delivery_id());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("message " << uuid << " never became a dead letter");
    return {};
  }

  BrokerProcess broker;
  std::unique_ptr<httplib::Client> http;
  std::unique_ptr<client::Client> portal, backend;
  std::vector<std::int64_t> recorded;
};

}  // namespace

TEST_CASE("every instant the broker records through a message's whole life is wall-clock time") {
  const std::int64_t start = wallNow();
  Life life;

  // Delivered and receipted; the portal takes the receipt.
  const std::string delivered = life.submit();
  const v1::Deliver d = life.deliver();
  REQUIRE(d.message_uuid() == delivered);
  life.recorded.push_back(d.received_at_ms());
  life.backend->ack(d.delivery_id());
  auto receipt = testing::nextOf(*life.portal, v1::RECEIPT);
  REQUIRE(receipt);
  life.recorded.push_back(receipt->envelope.receipt().at_ms());
  life.portal->ackReceipt(receipt->envelope.receipt().receipt_id());

  // A dead letter replayed and then delivered; another discarded.
  const std::string replayed = life.submit();
  life.post("/api/dead-letters/" + life.deadLetter(replayed) + "/replay");
  const v1::Deliver again = life.deliver();
  REQUIRE(again.message_uuid() == replayed);
  life.backend->ack(again.delivery_id());
  const std::string discarded = life.submit();
  life.post("/api/dead-letters/" + life.deadLetter(discarded) + "/discard");
  // Before retention may take the discarded one too.
  std::vector<std::string> bodies = {life.get("/api/messages/" + replayed + "/trace"),
                                     life.get("/api/messages/" + discarded + "/trace")};
  CHECK(bodies[0].find("\"replayed\"") != std::string::npos);
  CHECK(bodies[1].find("\"discarded\"") != std::string::npos);

  // Retention removes the first message (settled, receipt taken) within a few seconds.
  const auto trace_gone = [&] {
    return life.http->Get(("/api/messages/" + delivered + "/trace").c_str())->status == 404;
  };
  std::string trace_before;
  for (int i = 0; i < 200 && !trace_gone(); ++i) {
    if (trace_before.empty()) trace_before = life.get("/api/messages/" + delivered + "/trace");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(trace_gone());
  REQUIRE(trace_before.find("receipt_acknowledged") != std::string::npos);

  bodies.push_back(trace_before);
  bodies.push_back(life.get("/api/overview"));
  for (const std::string& body : bodies) {
    for (std::int64_t at : instantsIn(body)) life.recorded.push_back(at);
  }
  const std::int64_t end = wallNow();
  // The broker is stopped before its store is read: the audit log, line by line.
  life.broker.stop();
  const auto audit = testing::runCommand({OZGBUS_CLI_BIN, "audit", "show", "--db",
                                          (life.broker.dir() / "data" / "ozgbus.db").string()});
  REQUIRE(audit.status == 0);
  std::map<std::string, int> events;
  std::istringstream lines(audit.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string seq, at, event;
    fields >> seq >> at >> event;
    ++events[event];
    CAPTURE(line);
    const std::int64_t t = parseUtc(at);
    CHECK(t >= start);
    CHECK(t <= end);
  }
  CHECK(events["accepted"] == 3);
  CHECK(events["delivered"] == 2);
  CHECK(events["receipt_acknowledged"] == 1);
  CHECK(events["dead_lettered"] == 2);
  CHECK(events["replayed"] == 1);
  CHECK(events["discarded"] == 1);
  CHECK(events["purged"] >= 1);
  REQUIRE(life.recorded.size() > 20);
  for (std::int64_t at : life.recorded) {
    CHECK(at >= start);
    CHECK(at <= end);
  }
}
