// SubmitLimiter: per-participant submit rate (token bucket) and per-connection limit on
// submissions in progress, so that one portal flooding the bus gets RATE_LIMITED while the
// others keep their throughput. Time is passed in (tests drive it). Transport thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "broker/config/config.h"
#include "core/result.h"

namespace ozgbus::broker {

class SubmitLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SubmitLimiter(SubmitLimits limits) : limits_(limits) {}

  // Empty when the submission may go ahead (and is counted); RATE_LIMITED otherwise.
  std::optional<Rejection> admit(const std::string& participant, const std::string& identity,
                                 Clock::time_point now);
  // The submission admitted for this connection has been answered.
  void answered(const std::string& identity);
  void forget(const std::string& identity) { in_flight_.erase(identity); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  SubmitLimits limits_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::unordered_map<std::string, std::uint32_t> in_flight_;
};

}  // namespace ozgbus::broker
