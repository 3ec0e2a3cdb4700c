// An operator's action on a dead letter, from the HTTP thread to the transport thread, which
// alone may change queues; the answer comes back through the promise once it is durable.
#pragma once

#include <cstdint>
#include <future>
#include <string>

namespace ozgbus::broker {

struct AdminAnswer {
  int status = 200;  // HTTP status: 200 done, 404 unknown, 409 not possible now
  std::string text;  // result or error, for the operator
};

struct AdminRequest {
  enum class Kind { kReplay, kDiscard } kind = Kind::kReplay;
  std::uint64_t id = 0;  // the dead letter's store id
  std::string by;        // who asked (for the trace and the audit log)
  std::promise<AdminAnswer> answer;
};

}  // namespace ozgbus::broker
