#include "broker/security/handshake_refusals.h"

#include <spdlog/spdlog.h>

#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {
namespace {

constexpr auto kWindow = std::chrono::minutes(1);

}  // namespace

void HandshakeRefusals::note(const char* reason, const std::string& who, const std::string& why) {
  brokerMetrics().handshakes_refused.with({reason}).inc();
  std::lock_guard lock(mu_);
  ++total_;
  rollWindow(clock_.steady());
  if (logged_in_window_ < logged_per_minute_) {
    ++logged_in_window_;
    spdlog::info("handshake refused before HELLO, {}: {}{}", who, why,
                 logged_in_window_ == logged_per_minute_
                     ? " (further refusals this minute are only counted)"
                     : "");
    return;
  }
  ++unlogged_[reason];
}

void HandshakeRefusals::summarize() {
  std::lock_guard lock(mu_);
  rollWindow(clock_.steady());
}

void HandshakeRefusals::rollWindow(util::SteadyTime now) {
  if (now - window_start_ < kWindow) return;
  if (!unlogged_.empty()) {
    std::string by_reason;
    std::uint64_t n = 0;
    for (const auto& [reason, count] : unlogged_) {
      by_reason += (by_reason.empty() ? "" : ", ") + reason + " " + std::to_string(count);
      n += count;
    }
    spdlog::warn(
        "{} more connections refused before HELLO in the last minute, not logged one by one ({}); "
        "see ozgbus_handshakes_refused_total",
        n, by_reason);
  }
  unlogged_.clear();
  logged_in_window_ = 0;
  window_start_ = now;
}

std::uint64_t HandshakeRefusals::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace ozgbus::broker
