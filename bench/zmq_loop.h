// The transport's ceiling: the same four messages per item as the broker's flow (submit,
// answer, deliver, ack) through a bare ZeroMQ ROUTER that forwards without parsing or storing.
#pragma once

#include <cstdint>
#include <string>

namespace ozgbus::bench {

// Serves a ROUTER forwarder on endpoint until it has seen `messages` acks. Runs in a child
// process so that, like the broker, it has its own address space and scheduling.
void runForwarder(const std::string& endpoint, std::uint64_t messages);

// Producer and consumer DEALERs in this process; returns items per second.
double runZmqLoop(const std::string& endpoint, std::uint64_t messages, std::size_t size,
                  unsigned window);

}  // namespace ozgbus::bench
