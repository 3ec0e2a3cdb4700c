// Clock: the broker's one source of time, passed in to whatever reads it. wallMillis() is what
// the broker records (traces, audit entries, receipts, protocol fields: Unix epoch, ms);
// steady() is for deadlines and durations, immune to the wall clock being set. Thread-safety:
// both methods may be called from any thread. Tests pass a ManualClock and move time themselves.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ozgbus::util {

using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t wallMillis() const = 0;
  virtual SteadyTime steady() const = 0;

  // The machine's clocks.
  static const Clock& system();
};

class SystemClock final : public Clock {
 public:
  std::int64_t wallMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  SteadyTime steady() const override { return std::chrono::steady_clock::now(); }
};

inline const Clock& Clock::system() {
  static const SystemClock clock;
  return clock;
}

// Time that moves only when a test says so; both clocks move together.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t wall_ms = 1'700'000'000'000) : wall_ms_(wall_ms) {}
  std::int64_t wallMillis() const override { return wall_ms_.load(); }
  SteadyTime steady() const override {
    return SteadyTime(std::chrono::milliseconds(steady_ms_.load()));
  }
  void advance(std::chrono::milliseconds d) {
    wall_ms_ += d.count();
    steady_ms_ += d.count();
  }

 private:
  std::atomic<std::int64_t> wall_ms_;
  std::atomic<std::int64_t> steady_ms_{1'000'000};
};

}  // namespace ozgbus::util
