#include "bench/zmq_loop.h"

#include <chrono>
#include <thread>
#include <zmq.hpp>

#include "core/wire/codec.h"

namespace ozgbus::bench {

void runForwarder(const std::string& endpoint, std::uint64_t messages) {
  zmq::context_t ctx(1);
  zmq::socket_t router(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::sndhwm, 0);
  router.set(zmq::sockopt::rcvhwm, 0);
  router.bind(endpoint);
  std::string consumer;
  std::uint64_t acks = 0;
  while (acks < messages) {
    auto frames = wire::receive(router);
    if (!frames || frames->size() < 2) continue;
    const std::string from(wire::view((*frames)[0]));
    const auto body = wire::view((*frames)[1]);
    if (body == "consumer") {
      consumer = from;
    } else if (body == "ack") {
      ++acks;
    } else {
      // answer the producer, forward the payload to the consumer
      router.send(zmq::buffer(from), zmq::send_flags::sndmore);
      router.send(zmq::str_buffer("accepted"), zmq::send_flags::none);
      router.send(zmq::buffer(consumer), zmq::send_flags::sndmore);
      router.send((*frames)[1], zmq::send_flags::none);
    }
  }
}

double runZmqLoop(const std::string& endpoint, std::uint64_t messages, std::size_t size,
                  unsigned window) {
  zmq::context_t ctx(1);
  std::thread consumer([&] {
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.connect(endpoint);
    s.send(zmq::str_buffer("consumer"), zmq::send_flags::none);
    for (std::uint64_t i = 0; i < messages; ++i) {
      zmq::message_t m;
      (void)s.recv(m);
      s.send(zmq::str_buffer("ack"), zmq::send_flags::none);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  zmq::socket_t producer(ctx, zmq::socket_type::dealer);
  producer.connect(endpoint);
  const std::string payload(size, 'x');
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t sent = 0, answered = 0;
  while (answered < messages) {
    while (sent < messages && sent - answered < window) {
      producer.send(zmq::buffer(payload), zmq::send_flags::none);
      ++sent;
    }
    zmq::message_t m;
    (void)producer.recv(m);
    ++answered;
  }
  consumer.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(messages) / seconds;
}

}  // namespace ozgbus::bench
