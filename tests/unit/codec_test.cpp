#include "core/wire/codec.h"

#include <doctest/doctest.h>

using namespace ozgbus;

TEST_CASE("decode: envelope and payload frames") {
  auto e = wire::makeEnvelope(v1::SUBMIT, 42);
  std::vector<zmq::message_t> frames;
  frames.emplace_back(e.SerializeAsString());
  frames.emplace_back(std::string("<a/>"));
  auto f = wire::decode(std::move(frames));
  REQUIRE(f.ok());
  CHECK(f->envelope.command() == v1::SUBMIT);
  CHECK(f->envelope.correlation_id() == 42);
  REQUIRE(f->payloads.size() == 1);
  CHECK(wire::view(f->payloads[0]) == "<a/>");
}

TEST_CASE("decode: garbage, empty and wrong version are named") {
  std::vector<zmq::message_t> none;
  CHECK(wire::decode(std::move(none)).rejection().reason == v1::MALFORMED_FRAME);

  std::vector<zmq::message_t> garbage;
  garbage.emplace_back(std::string("\xff\xff\xff\xff", 4));
  auto g = wire::decode(std::move(garbage));
  CHECK(g.rejection().reason == v1::MALFORMED_FRAME);
  CHECK(g.rejection().detail.find("not a protobuf") != std::string::npos);

  auto e = wire::makeEnvelope(v1::HELLO);
  e.set_protocol_version(7);
  std::vector<zmq::message_t> v7;
  v7.emplace_back(e.SerializeAsString());
  auto v = wire::decode(std::move(v7));
  CHECK(v.rejection().reason == v1::UNSUPPORTED_VERSION);
  CHECK(v.rejection().detail.find("version 7") != std::string::npos);
}

TEST_CASE("decode: an empty first frame (a REQ socket's delimiter) says what to do") {
  std::vector<zmq::message_t> frames;
  frames.emplace_back();
  frames.emplace_back(wire::makeEnvelope(v1::HELLO).SerializeAsString());
  auto r = wire::decode(std::move(frames));
  CHECK(r.rejection().reason == v1::MALFORMED_FRAME);
  CHECK(r.rejection().detail.find("use DEALER") != std::string::npos);
}
