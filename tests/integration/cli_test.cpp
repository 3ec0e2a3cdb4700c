#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/broker_process.h"

using namespace ozgbus;
using testing::BrokerProcess;
using testing::runCommand;

TEST_CASE("ozgbus send, recv and status") {
  BrokerProcess broker;
  broker.start();
  std::string uuid;
  const auto good = broker.dir() / "good.xml";
  std::ofstream(good) << testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid);
  const auto bad = broker.dir() / "bad.xml";
  std::ofstream(bad) << "<not-a-message/>";

  auto sent = runCommand({OZGBUS_CLI_BIN, "send", "--broker", broker.endpoint(), "--as",
                          "psw:02000001", good.string()});
  CHECK(sent.status == 0);
  CHECK(sent.out == uuid + " ACCEPTED hh-gewerbeamt\n");

  auto mixed = runCommand({OZGBUS_CLI_BIN, "send", "--broker", broker.endpoint(), "--as",
                           "psw:02000001", good.string(), bad.string()});
  CHECK(mixed.status == 1);  // not all accepted
  CHECK(mixed.out.find("(duplicate, stored once)") != std::string::npos);
  CHECK(mixed.out.find("REJECTED HEADER_MISSING") != std::string::npos);

  auto status = runCommand({OZGBUS_CLI_BIN, "status", "--broker", broker.endpoint()});
  CHECK(status.status == 0);
  CHECK(status.out.find("hh-gewerbeamt") != std::string::npos);

  const auto inbox = broker.dir() / "inbox";
  auto recv = runCommand({OZGBUS_CLI_BIN, "recv", "--broker", broker.endpoint(), "--as",
                          "hh-gewerbeamt", "--out", inbox.string(), "--count", "1", "--timeout", "10"});
  CHECK(recv.status == 0);
  CHECK(std::filesystem::exists(inbox / (uuid + ".xml")));
  CHECK(recv.out.find(uuid) != std::string::npos);
}
