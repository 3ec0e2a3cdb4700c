#include "broker/security/submit_limiter.h"

#include <algorithm>
#include <cmath>

namespace ozgbus::broker {

std::optional<Rejection> SubmitLimiter::admit(const std::string& participant,
                                              const std::string& identity, Clock::time_point now) {
  std::uint32_t& pending = in_flight_[identity];
  if (pending >= limits_.max_in_flight) {
    return reject(v1::RATE_LIMITED, "connection has " + std::to_string(pending) +
                                        " submissions in progress (limit " +
                                        std::to_string(limits_.max_in_flight) +
                                        "); wait for SUBMIT_RESULTs before sending more");
  }
  auto [it, fresh] = buckets_.try_emplace(participant, Bucket{limits_.burst, now});
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(limits_.burst, b.tokens + elapsed * limits_.rate);
  b.last = now;
  if (b.tokens < 1.0) {
    const auto wait_ms = static_cast<long>(std::ceil((1.0 - b.tokens) / limits_.rate * 1000.0));
    return reject(v1::RATE_LIMITED, "participant " + participant + " is over its submit rate of " +
                                        std::to_string(static_cast<long>(limits_.rate)) +
                                        "/s; retry in " + std::to_string(wait_ms) + " ms");
  }
  b.tokens -= 1.0;
  ++pending;
  return std::nullopt;
}

void SubmitLimiter::answered(const std::string& identity) {
  auto it = in_flight_.find(identity);
  if (it != in_flight_.end() && it->second > 0) --it->second;
}

}  // namespace ozgbus::broker
