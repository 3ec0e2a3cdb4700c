// ParseStage alone: it turns message.raw into message.doc, the document every later stage
// reads, and refuses what is not well-formed (XML_MALFORMED), hostile shapes such as a DOCTYPE
// or deep nesting (XML_HOSTILE) and oversized input (TOO_LARGE), leaving the message without a
// document. Its factory takes the limits from the configuration ([limits]).
#include "broker/pipeline/parse_stage.h"

#include <doctest/doctest.h>

#include "core/util/clock.h"

#include "broker/runtime/runtime.h"
#include "tests/support/fakes.h"
#include "tests/support/files.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

Message submitted(std::string bytes) {
  Message m;
  m.sender = "psw:02000001";
  m.raw = std::make_shared<const std::string>(std::move(bytes));
  return m;
}

// The stage's refusal of `bytes`; a refused message is left without a document.
Rejection refusal(Stage& stage, std::string bytes) {
  Message m = submitted(std::move(bytes));
  auto r = stage.process(m);
  REQUIRE(r);
  CHECK(!m.doc);
  return *r;
}

}  // namespace

TEST_CASE("parse stage turns the submitted bytes into the document the later stages read") {
  ParseStage stage{xml::XmlLimits{}};
  CHECK(stage.name() == "parse");
  CHECK(stage.traceEvent() == "parsed");
  const std::string bytes =
      testing::readFile(std::string(OZGBUS_SOURCE_DIR) +
                        "/tests/fixtures/messages/gewerbe/1.0/valid-anmeldung-hamburg.xml");
  Message m = submitted(bytes);
  CHECK_FALSE(stage.process(m));
  REQUIRE(m.doc);
  const xmlNode* root = xmlDocGetRootElement(m.doc.get());
  REQUIRE(root != nullptr);
  CHECK(std::string(xml::chars(root->name)) == "gewerbe.anmeldung.0100");
  CHECK(std::string(xml::chars(root->ns->href)) == "urn:xoev-de:ozgbus:gewerbe:1.0");
  CHECK(*m.raw == bytes);  // the submitted bytes are kept as they came
  CHECK(m.note.empty());
}

TEST_CASE("parse stage refuses malformed and empty input as XML_MALFORMED naming the line") {
  ParseStage stage{xml::XmlLimits{}};
  const Rejection unclosed = refusal(stage, "<a>\n  <b>\n</a>");
  CHECK(unclosed.reason == v1::XML_MALFORMED);
  CHECK(unclosed.detail.find("line 3") != std::string::npos);
  const Rejection empty = refusal(stage, "");
  CHECK(empty.reason == v1::XML_MALFORMED);
  CHECK(empty.detail == "empty document");
  CHECK(refusal(stage, "this is not XML").reason == v1::XML_MALFORMED);
}

TEST_CASE("parse stage refuses a DOCTYPE with an external entity as XML_HOSTILE") {
  ParseStage stage{xml::XmlLimits{}};
  const Rejection r = refusal(stage,
                              "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e SYSTEM "
                              "\"file:///etc/passwd\">]><a>&e;</a>");
  CHECK(r.reason == v1::XML_HOSTILE);
  CHECK(r.detail == "line 2: DOCTYPE and entity declarations are not allowed");
}

TEST_CASE("parse stage built by its factory enforces the limits of the configuration") {
  BrokerConfig c;
  c.source = "x.toml";
  c.insecure = true;
  c.limits.max_bytes = 120;
  c.limits.max_depth = 4;
  auto runtime = Runtime::load(std::move(c));
  REQUIRE_MESSAGE(runtime.ok(), runtime.rejection().detail);
  testing::RecordingCommits commits;
  util::ManualClock clock;
  const StageContext ctx{**runtime, commits, clock};
  const std::vector<std::string> names = {"parse", "header", "route", "persist"};
  auto stage = ParseStage::create(ctx, StagePlacement{names, 0});
  REQUIRE(stage.ok());
  CHECK((*stage)->name() == "parse");

  Message fits = submitted("<a><b><c><d></d></c></b></a>");  // depth 4: the limit itself
  CHECK_FALSE((*stage)->process(fits));
  CHECK(fits.doc);

  const Rejection deep = refusal(**stage, "<a><b><c><d><e></e></d></c></b></a>");
  CHECK(deep.reason == v1::XML_HOSTILE);
  CHECK(deep.detail.find("elements nested deeper than 4") != std::string::npos);

  const Rejection large = refusal(**stage, "<a>" + std::string(200, 'x') + "</a>");
  CHECK(large.reason == v1::TOO_LARGE);
  CHECK(large.detail == "document has 207 bytes, limit is 120");
}
