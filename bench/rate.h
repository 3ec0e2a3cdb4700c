// Calls per second of a function run repeatedly on this thread for about `seconds`, and mean
// microseconds per call of several functions measured side by side.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

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

// Runs the functions in turn, `burst` calls each, for about `seconds` in all: a stretch in which
// the machine runs slower or faster (a shared VM does) then counts for every function alike, and
// ratios between them hold where separate timed loops scatter by 10 % and more. The bursts are
// long because the first calls after a switch pay for what the previous function left in the
// allocator (20-call bursts made a parse look 10 % dearer after each translation burst).
inline std::vector<double> sideBySideMicros(double seconds,
                                            const std::vector<std::function<void()>>& fs,
                                            int burst = 200) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> total(fs.size(), 0.0);
  std::uint64_t rounds = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    for (std::size_t i = 0; i < fs.size(); ++i) {
      const auto a = Clock::now();
      for (int k = 0; k < burst; ++k) fs[i]();
      total[i] += std::chrono::duration<double, std::micro>(Clock::now() - a).count();
    }
    ++rounds;
  }
  for (double& t : total) t /= static_cast<double>(rounds * static_cast<std::uint64_t>(burst));
  return total;
}

}  // namespace ozgbus::bench
