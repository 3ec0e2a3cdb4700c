// Calls per second of a function run repeatedly on this thread for about `seconds`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace ozgbus::bench {

inline double rate(double seconds, const std::function<void()>& f) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::uint64_t n = 0;
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    for (int i = 0; i < 50; ++i) f();
    n += 50;
  }
  return static_cast<double>(n) / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace ozgbus::bench
