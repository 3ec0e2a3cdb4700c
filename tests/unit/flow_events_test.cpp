// The flow-event stream alone: events are noted only while someone subscribes, and what is
// noted arrives in batches, a trace as one event per line.
#include "broker/monitoring/flow_events.h"

#include <doctest/doctest.h>

#include <functional>
#include <thread>

#include "ozgbus.pb.h"

using namespace ozgbus;
using broker::FlowEvents;

namespace {

bool eventually(const std::function<bool()>& f) {
  for (int i = 0; i < 200; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("flow events are wanted while a subscriber is there, and a trace arrives line by line") {
  zmq::context_t ctx(1);
  auto events = FlowEvents::open(ctx, "inproc://flow-events-test", "");
  REQUIRE(events.ok());
  FlowEvents& f = **events;
  CHECK_FALSE(f.wanted());

  auto sub = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::sub);
  sub->set(zmq::sockopt::linger, 0);
  sub->set(zmq::sockopt::subscribe, "");
  sub->connect(f.endpoint());
  REQUIRE(eventually([&] { return f.wanted(); }));

  f.publishTrace("1000\treceived\tfrom psw:1\n1001\trouted\tqueue q\n", "u-1", "psw:1", "q");
  f.publish(1002, "u-1", "stored", "queue q", "psw:1", "q");
  f.handOver();
  sub->set(zmq::sockopt::rcvtimeo, 2000);
  zmq::message_t topic, body;
  REQUIRE(sub->recv(topic));
  CHECK(topic.to_string() == "ozgbus.flow");
  REQUIRE(sub->recv(body));
  v1::FlowEventBatch batch;
  REQUIRE(batch.ParseFromArray(body.data(), static_cast<int>(body.size())));
  REQUIRE(batch.events_size() == 3);
  CHECK(batch.events(0).event() == "received");
  CHECK(batch.events(0).detail() == "from psw:1");
  CHECK(batch.events(1).at_ms() == 1001);
  CHECK(batch.events(2).event() == "stored");
  for (const auto& e : batch.events()) {
    CHECK(e.message_uuid() == "u-1");
    CHECK(e.queue() == "q");
  }

  sub.reset();  // the last subscriber leaves
  CHECK(eventually([&] { return !f.wanted(); }));
}

TEST_CASE("only a subscription that matches the events' topic makes them wanted") {
  zmq::context_t ctx(1);
  auto events = FlowEvents::open(ctx, "inproc://flow-events-topics", "");
  REQUIRE(events.ok());
  FlowEvents& f = **events;
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.connect(f.endpoint());
  sub.set(zmq::sockopt::subscribe, "other");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(f.wanted());
  sub.set(zmq::sockopt::subscribe, "ozgbus");
  CHECK(eventually([&] { return f.wanted(); }));
  sub.set(zmq::sockopt::subscribe, "ozgbus.flow");
  sub.set(zmq::sockopt::unsubscribe, "ozgbus");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(f.wanted());  // still subscribed to ozgbus.flow
  sub.set(zmq::sockopt::unsubscribe, "ozgbus.flow");
  CHECK(eventually([&] { return !f.wanted(); }));
}
