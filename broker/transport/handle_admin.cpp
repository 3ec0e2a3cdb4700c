// Monitoring and operators: the overview snapshot the HTTP endpoint serves, the record of
// recent rejections, and the dead-letter actions (replay, discard) the HTTP thread asks for.
#include <spdlog/spdlog.h>

#include "broker/monitoring/broker_metrics.h"
#include "broker/transport/server.h"

namespace ozgbus::broker {

void Server::flow(const std::string& uuid, const char* event, std::string detail,
                  const std::string& participant, const std::string& queue) {
  if (watched()) events_->publish(clock_.wallMillis(), uuid, event, std::move(detail), participant, queue);
}

void Server::noteRejection(const std::string& sender, const std::string& uuid, const Rejection& r) {
  flow(uuid, "rejected", r.toString(), sender);
  ++counters_.rejected;
  brokerMetrics().rejected.with({reasonName(r.reason)}).inc();
  recent_rejections_.push_front({clock_.wallMillis(), uuid, sender, reasonName(r.reason), r.detail});
  if (recent_rejections_.size() > kRecentRejections) recent_rejections_.pop_back();
}

void Server::publishOverview() {
  auto o = std::make_shared<Overview>();
  o->started_at_ms = started_at_ms_;
  o->now_ms = clock_.wallMillis();
  o->submitted = counters_.submitted;
  o->accepted = counters_.accepted;
  o->rejected = counters_.rejected;
  o->delivered = dispatcher_->delivered();
  o->redelivered = dispatcher_->redelivered();
  o->dead_lettered = counters_.dead_lettered + dispatcher_->deadLettered();
  for (const auto& q : dispatcher_->queues()) {
    o->queues.push_back({q.name, q.depth, q.in_flight, q.dead, q.consumers, q.oldest_received_ms});
  }
  for (const auto& [identity, s] : sessions_) {
    std::string role = v1::Role_Name(s.role);
    std::transform(role.begin(), role.end(), role.begin(), [](unsigned char c) { return std::tolower(c); });
    o->participants.push_back({s.participant, role, s.connected_at_ms});
  }
  o->recent_rejections = recent_rejections_;
  o->store_ok = store_ok_;
  o->schemas_loaded = config_.schemas.namespaces.empty() || schemas_.current() != nullptr;
  o->adapters_loaded = config_.adapter_folders.empty() || adapters_.get() != nullptr;
  o->trust_loaded = config_.signatures.trust.empty() || trust_.get() != nullptr;
  overview_.publish(std::move(o));
}

// The gauges that describe the transport's state, read from the published overview.
void Server::registerStateGauges() {
  auto& reg = brokerMetrics().registry;
  const CurrentOverview* overview = &overview_;
  reg.computedGauge("ozgbus_queue_depth", "Messages stored and not yet settled, in flight included.",
                    {"queue"}, [overview] {
                      std::vector<metrics::GaugeSample> out;
                      for (const auto& q : overview->get()->queues) {
                        out.push_back({{q.name}, static_cast<double>(q.depth)});
                      }
                      return out;
                    });
  reg.computedGauge("ozgbus_queue_dead_letters", "Dead letters waiting for an operator.", {"queue"}, [overview] {
    std::vector<metrics::GaugeSample> out;
    for (const auto& q : overview->get()->queues) out.push_back({{q.name}, static_cast<double>(q.dead_letters)});
    return out;
  });
  reg.computedGauge("ozgbus_queue_oldest_age_seconds", "Age of the oldest unsettled message; 0 when empty.",
                    {"queue"}, [overview] {
                      std::vector<metrics::GaugeSample> out;
                      const auto o = overview->get();
                      for (const auto& q : o->queues) {
                        const double age = q.oldest_received_ms == 0 ? 0.0 : static_cast<double>(o->now_ms - q.oldest_received_ms) / 1000.0;
                        out.push_back({{q.name}, age});
                      }
                      return out;
                    });
  reg.computedGauge("ozgbus_participants_connected", "Open sessions, by role.", {"role"}, [overview] {
    std::map<std::string, double> by_role = {{"portal", 0}, {"backend", 0}, {"observer", 0}, {"peer", 0}};
    for (const auto& p : overview->get()->participants) by_role[p.role] += 1;
    std::vector<metrics::GaugeSample> out;
    for (const auto& [role, n] : by_role) out.push_back({{role}, n});
    return out;
  });
}

AdminAnswer Server::askTransport(AdminRequest::Kind kind, std::uint64_t id) {
  auto request = std::make_unique<AdminRequest>();
  request->kind = kind;
  request->id = id;
  request->by = "operator (HTTP)";
  auto answer = request->answer.get_future();
  {
    std::lock_guard lock(admin_mu_);  // httplib runs handlers on several threads
    auto e = std::make_unique<Event>();
    e->admin = std::move(request);
    admin_poster_->post(std::move(e));
  }
  if (answer.wait_for(std::chrono::seconds(15)) != std::future_status::ready) {
    return {503, "the broker did not answer within 15 s"};
  }
  return answer.get();
}

void Server::onAdmin(std::unique_ptr<AdminRequest> request) {
  if (discard_keys_.count(request->id) != 0 || replaying_.count(request->id) != 0) {
    request->answer.set_value({409, "dead letter " + std::to_string(request->id) + " is being replayed or discarded"});
    return;
  }
  std::optional<StoredMessage> stored;
  try {
    stored = store_->loadMessage(request->id);
  } catch (const std::exception& e) {
    request->answer.set_value({503, std::string("store: ") + e.what()});
    return;
  }
  if (!stored || stored->state != MessageState::kDeadLetter) {
    request->answer.set_value({404, "dead letter " + std::to_string(request->id) +
                                        " does not exist (already replayed or discarded?)"});
    return;
  }
  const QueuedMessage& m = stored->message;
  if (request->kind == AdminRequest::Kind::kDiscard) {
    spdlog::info("dead letter {} (message {}) discarded by {}", m.id, m.uuid, request->by);
    const std::uint64_t key = next_admin_++;
    pending_admin_[key] = {std::move(request), m.queue, m.uuid, m.id};
    committer_->enqueue(DiscardOp{m.id, pending_admin_[key].request->by, clock_.wallMillis()});
    discard_keys_[m.id] = key;
    return;
  }
  // Replay: the author's signed original goes through the pipeline again, so a fixed adapter
  // or schema applies; the row is updated in place and the message keeps its trace.
  const auto& original = m.original ? m.original : m.payload;
  if (!original) {
    request->answer.set_value({409, "dead letter " + std::to_string(m.id) + " has no document to replay"});
    return;
  }
  spdlog::info("dead letter {} (message {}) replayed by {}", m.id, m.uuid, request->by);
  const std::uint64_t key = next_admin_++;
  Message msg;
  msg.correlation = key;  // no connection: the answer goes to the operator
  msg.sender = m.sender;
  msg.received_at_ms = clock_.wallMillis();
  msg.raw = original;
  msg.replace_id = m.id;
  msg.first_received_at_ms = m.received_at_ms;
  msg.replayed_from_queue = m.queue;
  msg.replayed_by = request->by;
  pending_admin_[key] = {std::move(request), m.queue, m.uuid, m.id};
  replaying_.insert(m.id);
  ++in_pipeline_;
  workers_->submit(std::move(msg));
}

bool Server::answerAdmin(std::uint64_t key, int status, const std::string& text) {
  auto it = pending_admin_.find(key);
  if (it == pending_admin_.end()) return false;
  replaying_.erase(it->second.id);
  it->second.request->answer.set_value({status, text});
  pending_admin_.erase(it);
  return true;
}

}  // namespace ozgbus::broker
