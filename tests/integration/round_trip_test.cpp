#include <doctest/doctest.h>

#include "tests/support/broker_process.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;

using testing::nextOf;

TEST_CASE("a submitted message reaches its back-end, and the portal gets a DELIVERED receipt") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::string uuid;
  const std::string doc = testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid);

  auto result = portal->submit(doc);
  REQUIRE(result.ok());
  CHECK(result->accepted());
  CHECK(result->message_uuid() == uuid);
  CHECK(result->destination() == "hh-gewerbeamt");

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  auto delivery = nextOf(*backend, v1::DELIVER);
  REQUIRE(delivery);
  const v1::Deliver& d = delivery->envelope.deliver();
  CHECK(d.message_uuid() == uuid);
  CHECK(d.author() == "psw:02000001");
  CHECK(d.message_type() == "0100");
  CHECK(d.attempt() == 1);
  REQUIRE(delivery->payloads.size() == 1);
  CHECK(delivery->payloads[0] == doc);
  backend->ack(d.delivery_id());

  auto receipt = nextOf(*portal, v1::RECEIPT);
  REQUIRE(receipt);
  CHECK(receipt->envelope.receipt().message_uuid() == uuid);
  CHECK(receipt->envelope.receipt().outcome() == v1::DELIVERED);
  CHECK(receipt->envelope.receipt().receiver() == "hh-gewerbeamt");
  portal->ackReceipt(receipt->envelope.receipt().receipt_id());

  auto status = portal->status();
  REQUIRE(status.ok());
  for (const auto& q : status->queues()) CHECK(q.depth() == 0);
  CHECK(status->delivered() == 1);
}

TEST_CASE("a duplicate submission is accepted again and stored once") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  const std::string doc = testing::sampleMessage();
  auto first = portal->submit(doc);
  auto second = portal->submit(doc);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->accepted());
  CHECK_FALSE(first->duplicate());
  CHECK(second->accepted());
  CHECK(second->duplicate());

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND);
  auto d = nextOf(*backend, v1::DELIVER);
  REQUIRE(d);
  backend->ack(d->envelope.deliver().delivery_id());
  CHECK_FALSE(nextOf(*backend, v1::DELIVER, 700ms));
}

TEST_CASE("messages are routed by ARS prefix and service to different queues") {
  BrokerProcess broker;
  broker.start();
  auto hh = broker.connect("psw:02000001", v1::PORTAL);
  auto sh = broker.connect("psw:01000001", v1::PORTAL);
  CHECK(hh->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml"))->destination() ==
        "hh-gewerbeamt");
  CHECK(hh->submit(testing::sampleMessage("wohnsitzanmeldung-2.0-hamburg.xml"))->destination() ==
        "hh-meldeamt");
  CHECK(sh->submit(testing::sampleMessage("wohnsitzanmeldung-1.0-kiel.xml"))->destination() ==
        "sh-kiel-buergeramt");
  auto status = hh->status();
  REQUIRE(status.ok());
  int queued = 0;
  for (const auto& q : status->queues()) queued += static_cast<int>(q.depth());
  CHECK(queued == 3);
}

TEST_CASE("credit limits what a back-end holds unacknowledged") {
  BrokerProcess broker;
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  for (int i = 0; i < 5; ++i) REQUIRE(portal->submit(testing::sampleMessage())->accepted());
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 2);
  std::vector<std::uint64_t> held;
  while (auto d = nextOf(*backend, v1::DELIVER, 700ms))
    held.push_back(d->envelope.deliver().delivery_id());
  CHECK(held.size() == 2);
  backend->ack(held[0]);
  auto more = nextOf(*backend, v1::DELIVER);
  CHECK(more);
}
