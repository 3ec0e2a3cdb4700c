#include "broker/store/retention.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ozgbus::broker {

Retention::Retention(const StoreConfig& config, const util::Clock& clock, CommitQueue& commits)
    : config_(config),
      clock_(clock),
      commits_(commits),
      // The first look soon after start, not a whole interval later.
      next_(clock.steady() + std::min<std::chrono::milliseconds>(std::chrono::seconds(10),
                                                                 config.retention_interval)) {}

void Retention::tick() {
  if (config_.retain_days == 0 || in_flight_ || clock_.steady() < next_) return;
  constexpr double kDayMs = 24.0 * 60 * 60 * 1000;
  const std::int64_t now_ms = clock_.wallMillis();
  const auto cutoff = now_ms - static_cast<std::int64_t>(config_.retain_days * kDayMs);
  commits_.enqueue(PurgeOp{cutoff, now_ms, after_, 1000});
  in_flight_ = true;
}

void Retention::purged(std::uint64_t removed, std::uint64_t next_after) {
  in_flight_ = false;
  after_ = next_after;
  if (removed > 0) {
    spdlog::info("retention: removed {} settled messages received more than {:g} days ago", removed,
                 config_.retain_days);
  }
  next_ = clock_.steady() +
          (next_after != 0 ? std::chrono::milliseconds(100) : config_.retention_interval);
}

}  // namespace ozgbus::broker
