#include "broker/monitoring/rejection_log.h"

#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {

void RejectionLog::note(const std::string& sender, const std::string& uuid, const Rejection& r) {
  const std::int64_t now = clock_.wallMillis();
  if (events_ != nullptr && events_->wanted())
    events_->publish(now, uuid, "rejected", r.toString(), sender);
  ++counters_.rejected;
  brokerMetrics().rejected.with({reasonName(r.reason)}).inc();
  recent_.push_front({now, uuid, sender, reasonName(r.reason), r.detail});
  if (recent_.size() > kRecentRejections) recent_.pop_back();
}

}  // namespace ozgbus::broker
