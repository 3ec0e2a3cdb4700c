// Every bad-input class of DESIGN.md that the foundation handles: a clear ERROR or REJECTED with
// its reason code, nothing stored, and the broker still serving afterwards.
#include <doctest/doctest.h>

#include "core/wire/codec.h"
#include "tests/support/broker_process.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;

namespace {

// A bare DEALER, to send what the client library never would.
class RawConnection {
 public:
  explicit RawConnection(const std::string& endpoint) : socket_(ctx_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::rcvtimeo, 5000);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }
  void sendFrames(const std::vector<std::string>& frames) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      socket_.send(zmq::buffer(frames[i]),
                   i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
  v1::Envelope answer() {
    auto frames = wire::receive(socket_);
    REQUIRE(frames);
    auto f = wire::decode(std::move(*frames));
    REQUIRE(f.ok());
    return f->envelope;
  }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

std::string envelope(v1::Command c, std::uint32_t version = 1) {
  auto e = wire::makeEnvelope(c, 7);
  e.set_protocol_version(version);
  return e.SerializeAsString();
}

// The broker still accepts and routes a good message, and nothing bad was stored.
void stillServing(const BrokerProcess& broker, int expected_depth = 1) {
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto r = portal->submit(testing::sampleMessage());
  REQUIRE(r.ok());
  CHECK(r->accepted());
  auto status = portal->status();
  REQUIRE(status.ok());
  int depth = 0;
  for (const auto& q : status->queues()) depth += static_cast<int>(q.depth());
  CHECK(depth == expected_depth);
}

v1::SubmitResult submitRaw(const BrokerProcess& broker, const std::string& doc) {
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto r = portal->submit(doc);
  REQUIRE(r.ok());
  CHECK_FALSE(r->accepted());
  return *r;
}

}  // namespace

TEST_CASE("malformed frames get ERROR, and the broker keeps serving") {
  BrokerProcess broker;
  broker.start();
  RawConnection raw(broker.endpoint());

  raw.sendFrames({"\xff\x01 not protobuf"});
  auto e = raw.answer();
  CHECK(e.command() == v1::ERROR);
  CHECK(e.error().reason() == v1::MALFORMED_FRAME);
  CHECK(e.error().detail().find("not a protobuf") != std::string::npos);

  raw.sendFrames({envelope(v1::HELLO, 2)});
  e = raw.answer();
  CHECK(e.error().reason() == v1::UNSUPPORTED_VERSION);
  CHECK(e.error().detail().find("version 2") != std::string::npos);

  raw.sendFrames({envelope(v1::SUBMIT), "<a/>"});
  e = raw.answer();
  CHECK(e.error().reason() == v1::NOT_REGISTERED);
  CHECK(e.correlation_id() == 7);

  raw.sendFrames({envelope(v1::HELLO)});
  e = raw.answer();
  CHECK(e.error().reason() == v1::MALFORMED_FRAME);
  CHECK(e.error().detail().find("participant_id") != std::string::npos);

  auto hello = wire::makeEnvelope(v1::HELLO, 8);
  hello.mutable_hello()->set_participant_id("psw:02000001");
  hello.mutable_hello()->set_role(v1::PORTAL);
  raw.sendFrames({hello.SerializeAsString()});
  CHECK(raw.answer().command() == v1::WELCOME);

  raw.sendFrames({envelope(v1::SUBMIT)});
  e = raw.answer();
  CHECK(e.command() == v1::SUBMIT_RESULT);
  CHECK(e.submit_result().reason() == v1::MALFORMED_FRAME);

  raw.sendFrames({envelope(v1::DELIVER)});
  e = raw.answer();
  CHECK(e.error().reason() == v1::UNKNOWN_COMMAND);

  stillServing(broker);
}

TEST_CASE("documents the bus cannot take are rejected with reason and detail") {
  BrokerProcess broker("[limits]\nmax_message_bytes = 65536\nmax_depth = 32\n");
  broker.start();

  auto r = submitRaw(broker, "this is not XML");
  CHECK(r.reason() == v1::XML_MALFORMED);
  CHECK(r.detail().find("line 1") != std::string::npos);

  r = submitRaw(broker, R"(<x:antrag xmlns:x="urn:demo"><kein>kopf</kein></x:antrag>)");
  CHECK(r.reason() == v1::HEADER_MISSING);
  CHECK(r.detail().find("nachrichtenkopf.g2g") != std::string::npos);

  std::string no_author = testing::sampleMessage();
  const auto a = no_author.find("<autor>");
  no_author.erase(a, no_author.find("</autor>") + 8 - a);
  r = submitRaw(broker, no_author);
  CHECK(r.reason() == v1::HEADER_INVALID);
  CHECK(r.detail().find("autor/kennung missing") != std::string::npos);

  std::string unrouted = testing::sampleMessage();
  unrouted.replace(unrouted.find("ars:020000000000"), 16, "ars:110000000000");
  r = submitRaw(broker, unrouted);
  CHECK(r.reason() == v1::NO_ROUTE);
  CHECK(r.detail().find("ars:110000000000") != std::string::npos);
  CHECK_FALSE(r.message_uuid().empty());

  stillServing(broker);
}

TEST_CASE("hostile documents are refused before they are parsed") {
  BrokerProcess broker("[limits]\nmax_message_bytes = 65536\nmax_depth = 32\n");
  broker.start();

  auto r = submitRaw(broker,
                     "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
                     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
                     "\"&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;</l>");
  CHECK(r.reason() == v1::XML_HOSTILE);

  r = submitRaw(broker,
                "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY x SYSTEM "
                "\"http://127.0.0.1:9/x\">]><l>&x;</l>");
  CHECK(r.reason() == v1::XML_HOSTILE);

  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<d>";
  for (int i = 0; i < 40; ++i) deep += "</d>";
  r = submitRaw(broker, deep);
  CHECK(r.reason() == v1::XML_HOSTILE);
  CHECK(r.detail().find("deeper than 32") != std::string::npos);

  std::string attrs = "<a";
  for (int i = 0; i < 20000; ++i) attrs += " a" + std::to_string(i) + "=\"\"";
  attrs += "/>";
  // Over max_message_bytes too: the size check comes first, before anything is copied.
  r = submitRaw(broker, attrs);
  CHECK(r.reason() == v1::TOO_LARGE);

  std::string many = "<a";
  for (int i = 0; i < 2000; ++i) many += " a" + std::to_string(i) + "=\"\"";
  many += "/>";
  r = submitRaw(broker, many);
  CHECK(r.reason() == v1::XML_HOSTILE);
  CHECK(r.detail().find("attributes") != std::string::npos);

  stillServing(broker);
}

TEST_CASE("roles: a back-end may not submit; nobody may ACK what it does not hold") {
  BrokerProcess broker;
  broker.start();
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  auto r = backend->submit(testing::sampleMessage());
  REQUIRE(r.ok());
  CHECK_FALSE(r->accepted());
  CHECK(r->reason() == v1::NOT_AUTHORIZED);

  backend->ack(12345);
  auto in = backend->receive(2000ms);
  REQUIRE(in);
  CHECK(in->envelope.command() == v1::ERROR);
  CHECK(in->envelope.error().reason() == v1::UNKNOWN_DELIVERY);
  CHECK(in->envelope.error().detail().find("12345") != std::string::npos);

  stillServing(broker);
}
