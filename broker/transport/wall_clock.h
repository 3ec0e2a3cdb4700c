// Wall-clock time in Unix milliseconds, as stored with messages and sent in the protocol
// (received_at_ms, at_ms). Steady time for deadlines is Clock in session.h.
#pragma once

#include <chrono>
#include <cstdint>

namespace ozgbus::broker {

inline std::int64_t epochMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ozgbus::broker
