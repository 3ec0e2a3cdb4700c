#include <doctest/doctest.h>

#include <csignal>

#include "tests/support/broker_process.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;

namespace {

std::optional<v1::Receipt> nextReceipt(client::Client& c,
                                       std::chrono::milliseconds timeout = 5000ms) {
  auto in = testing::nextOf(c, v1::RECEIPT, timeout);
  return in ? std::optional<v1::Receipt>(in->envelope.receipt()) : std::nullopt;
}

void settleOne(BrokerProcess& broker, bool accept) {
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  if (auto in = testing::nextOf(*backend, v1::DELIVER)) {
    if (accept) {
      backend->ack(in->envelope.deliver().delivery_id());
    } else {
      backend->nack(in->envelope.deliver().delivery_id(), v1::REJECTED_BY_RECEIVER,
                    "Gewerbe bereits angemeldet", false);
    }
    // Make sure the broker has the ACK/NACK before this back-end says BYE.
    backend->status();
    return;
  }
  FAIL("no delivery");
}

}  // namespace

TEST_CASE("receipts wait for the portal, survive a restart, and go once it ACKs them") {
  BrokerProcess broker;
  broker.start();
  std::string uuid;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))
                ->accepted());
  }  // the portal leaves before the back-end answers
  settleOne(broker, true);
  CHECK(broker.stop(SIGTERM) == 0);
  broker.start();
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    auto r = nextReceipt(*portal);
    REQUIRE(r);
    CHECK(r->message_uuid() == uuid);
    CHECK(r->outcome() == v1::DELIVERED);
    portal->ackReceipt(r->receipt_id());
    portal->status();
  }
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  CHECK_FALSE(nextReceipt(*portal, 700ms));
}

TEST_CASE("a receipt not ACKed by the portal comes again on its next connection") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  REQUIRE(portal->submit(testing::sampleMessage())->accepted());
  settleOne(broker, true);
  auto first = nextReceipt(*portal);
  REQUIRE(first);
  portal.reset();  // leaves without ACK
  auto again = broker.connect("psw:02000001", v1::PORTAL);
  auto second = nextReceipt(*again);
  REQUIRE(second);
  CHECK(second->receipt_id() == first->receipt_id());
}

TEST_CASE("a back-end's NACK becomes a REJECTED receipt with its reason") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::string uuid;
  REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid))
              ->accepted());
  settleOne(broker, false);
  auto r = nextReceipt(*portal);
  REQUIRE(r);
  CHECK(r->message_uuid() == uuid);
  CHECK(r->outcome() == v1::REJECTED);
  CHECK(r->reason() == v1::REJECTED_BY_RECEIVER);
  CHECK(r->detail() == "Gewerbe bereits angemeldet");
  CHECK(r->receiver() == "hh-gewerbeamt");
}

TEST_CASE("receipts made out of message order all reach the portal") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::string first, second;
  REQUIRE(portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &first))
              ->accepted());
  REQUIRE(portal->submit(testing::sampleMessage("wohnsitzanmeldung-2.0-hamburg.xml", &second))
              ->accepted());
  // The later message is acknowledged first, by another back-end.
  auto meldeamt = broker.connect("hh-meldeamt", v1::BACKEND);
  CHECK(testing::drainAcking(*meldeamt, 1, 5000ms) == std::set<std::string>{second});
  REQUIRE(nextReceipt(*portal));  // receipt of `second`, not acknowledged: the window holds it
  auto gewerbeamt = broker.connect("hh-gewerbeamt", v1::BACKEND);
  CHECK(testing::drainAcking(*gewerbeamt, 1, 5000ms) == std::set<std::string>{first});
  auto r = nextReceipt(*portal);
  REQUIRE(r);
  CHECK(r->message_uuid() == first);
}
