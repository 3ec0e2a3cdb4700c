// PersistStage alone, handing over to a recording commit queue: the InsertOp carries the
// message's origin, header fields, sender, queue, received_at_ms and trace; the payload is the
// raw bytes, or what is delivered (signed by the broker, or the translated document serialized)
// with the raw bytes kept as the original; a dead letter is stored untranslated with its reason.
#include "broker/pipeline/persist_stage.h"

#include <doctest/doctest.h>

#include "core/dsig/signer.h"
#include "core/xml/secure_parser.h"
#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

// A message as the stages before persist leave it: header read, routed.
Message routed() {
  Message m;
  m.origin = FromConnection{"conn-1", 7};
  m.sender = "psw:02000001";
  m.received_at_ms = 1'700'000'000'123;
  m.raw = std::make_shared<const std::string>("<m:n xmlns:m=\"urn:x\"><v>1.0</v></m:n>");
  m.header.message_uuid = "693c64d6-456f-4d14-abe7-fe9681c74aae";
  m.header.author = "psw:02000009";
  m.header.reader = "ars:020000000000";
  m.header.message_type = "0100";
  m.destination = "hh";
  m.history = "1700000000123\treceived\tfrom psw:02000001\n";
  return m;
}

InsertOp persisted(Message m) {
  testing::RecordingCommits commits;
  PersistStage stage(commits);
  CHECK_FALSE(stage.process(m));
  REQUIRE(commits.ops.size() == 1);
  auto inserts = commits.of<InsertOp>();
  REQUIRE(inserts.size() == 1);
  return inserts.front();
}

}  // namespace

TEST_CASE("persist stage hands the routed message to the group commit as it was submitted") {
  testing::RecordingCommits commits;
  PersistStage stage(commits);
  CHECK(stage.name() == "persist");
  CHECK(stage.traceEvent() == "stored");
  Message m = routed();
  const auto raw = m.raw;
  CHECK_FALSE(stage.process(m));
  const auto inserts = commits.of<InsertOp>();
  REQUIRE(inserts.size() == 1);
  const InsertOp& op = inserts.front();
  const auto& from = std::get<FromConnection>(op.origin);
  CHECK(from.identity == "conn-1");
  CHECK(from.correlation == 7);
  CHECK(op.message.uuid == "693c64d6-456f-4d14-abe7-fe9681c74aae");
  CHECK(op.message.author == "psw:02000009");
  CHECK(op.message.sender == "psw:02000001");
  CHECK(op.message.reader == "ars:020000000000");
  CHECK(op.message.message_type == "0100");
  CHECK(op.message.queue == "hh");
  CHECK(op.message.received_at_ms == 1'700'000'000'123);
  CHECK(op.message.payload.get() == raw.get());
  CHECK_FALSE(op.message.original);
  CHECK_FALSE(op.dead_letter);
  CHECK(op.history == "1700000000123\treceived\tfrom psw:02000001\n");
}

TEST_CASE("persist stage stores the translated document as payload and the raw bytes as original") {
  Message m = routed();
  auto doc = xml::parseSecure("<m:n xmlns:m=\"urn:y\"><v>2.0</v></m:n>", {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  m.translated = true;  // as the adapt stage leaves it, with no sign stage after it
  const std::string expected = dsig::serialize(m.doc.get());
  const auto raw = m.raw;
  const InsertOp op = persisted(std::move(m));
  REQUIRE(op.message.payload);
  CHECK(*op.message.payload == expected);
  CHECK(op.message.payload->find("urn:y") != std::string::npos);
  CHECK(op.message.original.get() == raw.get());
}

TEST_CASE("persist stage stores what the sign stage delivers beside the author's original") {
  Message m = routed();
  m.delivered = std::make_shared<const std::string>("<signed-by-the-broker/>");
  const auto raw = m.raw;
  const auto delivered = m.delivered;
  const InsertOp op = persisted(std::move(m));
  CHECK(op.message.payload.get() == delivered.get());
  CHECK(op.message.original.get() == raw.get());
}

TEST_CASE("persist stage stores a replayed dead letter untranslated with its reason") {
  Message m = routed();
  FromReplay replay;
  replay.request = 3;
  replay.dead_letter_id = 42;
  replay.from_queue = "hh";
  replay.by = "operator";
  m.origin = replay;
  auto doc = xml::parseSecure("<m:n xmlns:m=\"urn:y\"/>", {});
  REQUIRE(doc.ok());
  m.doc = std::move(*doc);
  m.translated = true;
  m.dead_letter =
      reject(v1::ADAPTER_FAILED, "adapter 't': t.xsl failed: code 04 has no equivalent");
  const auto raw = m.raw;
  const InsertOp op = persisted(std::move(m));
  REQUIRE(op.replay() != nullptr);
  CHECK(op.replay()->dead_letter_id == 42);
  CHECK(op.replay()->by == "operator");
  REQUIRE(op.dead_letter);
  CHECK(op.dead_letter->reason == v1::ADAPTER_FAILED);
  CHECK(op.dead_letter->detail.find("code 04 has no equivalent") != std::string::npos);
  CHECK(op.message.payload.get() == raw.get());  // the original, for the replay after a fix
  CHECK_FALSE(op.message.original);
}
