#include "broker/delivery/dispatcher.h"

#include "broker/monitoring/broker_metrics.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

namespace ozgbus::broker {
namespace {

std::uint64_t idOf(const QueuedMessage& m) { return m.id; }

// A cluster node claims little at a time: what it claims, other nodes cannot deliver.
constexpr std::size_t kClusterWindow = 256;
// After a claim failed (the database away), the next one waits this long: one try, one log
// line per second, not one per loop turn.
constexpr auto kClaimBackoff = std::chrono::seconds(1);

}  // namespace

Dispatcher::Dispatcher(const DeliveryConfig& config, StoreReader& reader, const util::Clock& clock,
                       Send send, CommitQueue& outcomes, ClusterLink* cluster)
    : config_(config),
      reader_(reader),
      clock_(clock),
      send_(std::move(send)),
      outcomes_(outcomes),
      cluster_(cluster) {}

Dispatcher::Queue& Dispatcher::queue(const std::string& name, bool spilled) {
  auto it = queues_.find(name);
  if (it == queues_.end()) {
    const std::size_t window =
        cluster_ ? std::min(config_.memory_window, kClusterWindow) : config_.memory_window;
    it = queues_.try_emplace(name, name, window, spilled || cluster_ != nullptr).first;
  }
  return it->second;
}

void Dispatcher::restore(const std::vector<QueueCounts>& counts) {
  for (const QueueCounts& c : counts) {
    Queue& q = queue(c.queue, c.queued > 0);
    q.depth = c.queued;
    q.dead = c.dead;
  }
}

void Dispatcher::committed(const QueuedMessage& message) {
  Queue& q = queue(message.queue);
  ++q.depth;
  if (cluster_) {
    q.ready.markSpilled();
  } else {
    q.ready.committed(message.id, message);
  }
}

void Dispatcher::hear(const std::vector<std::string>& queues) {
  for (const std::string& name : queues) queue(name).ready.markSpilled();
}

void Dispatcher::lookAgain() {
  for (auto& [name, q] : queues_) q.ready.markSpilled();
}

void Dispatcher::resync(const std::vector<QueueCounts>& counts) {
  for (auto& [name, q] : queues_) q.depth = q.dead = 0;
  for (const QueueCounts& c : counts) {
    Queue& q = queue(c.queue);
    q.depth = c.queued;
    q.dead = c.dead;
  }
}

std::vector<std::uint64_t> Dispatcher::held() const {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, f] : in_flight_) ids.push_back(id);
  for (const auto& [name, q] : queues_) {
    for (std::size_t i = 0; i < q.ready.size(); ++i) ids.push_back(q.ready.at(i).id);
  }
  return ids;
}

void Dispatcher::giveBack(Queue& q) {
  std::vector<std::uint64_t> ids;
  for (const QueuedMessage& m : q.ready.takeAll()) ids.push_back(m.id);
  if (auto failed = cluster_->release(ids)) {
    spdlog::warn("queue {}: {} deliveries not given back ({}); their leases run out instead",
                 q.name, ids.size(), failed->detail);
  }
}

void Dispatcher::attach(Session& session) {
  for (const std::string& name : session.queues) {
    Queue& q = queue(name);
    q.consumers.push_back(session.identity);
    if (cluster_) q.ready.markSpilled();
  }
}

void Dispatcher::detach(Session& session, bool count_attempt) {
  for (const std::string& name : session.queues) {
    auto& consumers = queue(name).consumers;
    consumers.erase(std::remove(consumers.begin(), consumers.end(), session.identity),
                    consumers.end());
  }
  consumers_.erase(session.identity);
  const auto held = session.deliveries;
  for (std::uint64_t id : held) {
    if (auto f = take(session, id)) {
      failed(std::move(*f), session.participant,
             "consumer " + session.participant + " disconnected before ACK", clock_.wallMillis(),
             count_attempt);
    }
  }
}

bool Dispatcher::prune(Consumer& c, const Session& session) {
  bool changed = false;
  while (!c.order.empty() && session.deliveries.count(c.order.front()) == 0) {
    c.order.pop_front();
    changed = true;
  }
  return changed;
}

std::optional<Dispatcher::InFlight> Dispatcher::take(Session& session, std::uint64_t id) {
  if (session.deliveries.erase(id) == 0) return std::nullopt;
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return std::nullopt;
  InFlight f = std::move(it->second);
  in_flight_.erase(it);
  --queue(f.message.queue).in_flight;
  if (auto c = consumers_.find(session.identity);
      c != consumers_.end() && prune(c->second, session)) {
    c->second.front_since = clock_.steady();
  }
  return f;
}

std::optional<Rejection> Dispatcher::ack(Session& session, std::uint64_t id) {
  const std::int64_t now_ms = clock_.wallMillis();
  auto f = take(session, id);
  if (f) consumers_[session.identity].last_settle = clock_.steady();
  if (!f) {
    return reject(v1::UNKNOWN_DELIVERY,
                  "delivery " + std::to_string(id) + " is not held by this connection");
  }
  lower(queue(f->message.queue).depth);
  ++delivered_;
  brokerMetrics().delivered.with({f->message.queue}).inc();
  outcomes_.enqueue(SettleOp{id, f->message.sender, f->message.uuid, MessageState::kDelivered,
                             v1::REASON_UNSPECIFIED, "", session.participant, now_ms,
                             f->message.message_type});
  return std::nullopt;
}

std::optional<Rejection> Dispatcher::nack(Session& session, const v1::Nack& nack) {
  const std::int64_t now_ms = clock_.wallMillis();
  auto f = take(session, nack.delivery_id());
  if (f) consumers_[session.identity].last_settle = clock_.steady();
  if (!f) {
    return reject(v1::UNKNOWN_DELIVERY, "delivery " + std::to_string(nack.delivery_id()) +
                                            " is not held by this connection");
  }
  if (nack.requeue()) {
    failed(std::move(*f), session.participant,
           "NACK with requeue from " + session.participant +
               (nack.detail().empty() ? "" : ": " + nack.detail()),
           now_ms);
    return std::nullopt;
  }
  lower(queue(f->message.queue).depth);
  const ReasonCode reason =
      nack.reason() == v1::REASON_UNSPECIFIED ? v1::REJECTED_BY_RECEIVER : nack.reason();
  outcomes_.enqueue(SettleOp{f->message.id, f->message.sender, f->message.uuid,
                             MessageState::kRejected, reason, nack.detail(), session.participant,
                             now_ms, f->message.message_type});
  return std::nullopt;
}

void Dispatcher::failed(InFlight&& f, const std::string& consumer, const std::string& detail,
                        std::int64_t now_ms, bool count_attempt) {
  Queue& q = queue(f.message.queue);
  QueuedMessage& m = f.message;
  if (!count_attempt) {
    q.ready.pushFront(std::move(m));
    return;
  }
  ++m.attempts;
  if (m.attempts >= config_.max_attempts) {
    lower(q.depth);
    ++q.dead;
    ++dead_lettered_;
    brokerMetrics().dead_lettered.with({m.queue, reasonName(v1::MAX_ATTEMPTS)}).inc();
    spdlog::warn(
        "message {} is a dead letter of queue {}: {} delivery attempts failed; last to {}: {}",
        m.uuid, m.queue, m.attempts, consumer, detail);
    outcomes_.enqueue(
        SettleOp{m.id, m.sender, m.uuid, MessageState::kDeadLetter, v1::MAX_ATTEMPTS,
                 std::to_string(m.attempts) + " delivery attempts failed; last: " + detail,
                 consumer, now_ms, m.message_type});
    return;
  }
  ++redelivered_;
  brokerMetrics().redelivered.with({m.queue}).inc();
  spdlog::info("message {} goes back to queue {} for attempt {}: delivery to {} failed: {}", m.uuid,
               m.queue, m.attempts + 1, consumer, detail);
  outcomes_.enqueue(AttemptOp{m.id, m.attempts, "to " + consumer + ": " + detail, now_ms});
  q.ready.pushFront(std::move(m));
}

void Dispatcher::bury(Queue& q, QueuedMessage&& m) {
  // Its fields but the id may be garbage: logged by id, no receipt to a sender we cannot trust.
  lower(q.depth);
  ++q.dead;
  ++dead_lettered_;
  brokerMetrics().damaged.with({q.name}).inc();
  brokerMetrics().dead_lettered.with({q.name, reasonName(v1::STORE_CORRUPT)}).inc();
  spdlog::error(
      "STORE DAMAGED: message id {} of queue {} is not delivered: {}; it is held as a dead letter "
      "(STORE_CORRUPT). Run `ozgbus-broker --check` and see docs/operations.md, \"When things go "
      "wrong\"",
      m.id, q.name, m.damage);
  outcomes_.enqueue(SettleOp{m.id, "", m.uuid, MessageState::kDeadLetter, v1::STORE_CORRUPT,
                             m.damage, "broker", clock_.wallMillis(), m.message_type});
}

void Dispatcher::expire(Sessions& sessions) {
  const util::SteadyTime now = clock_.steady();
  const auto now_ms = clock_.wallMillis();
  std::vector<std::pair<std::string, bool>> late;  // consumer identity, stuck
  for (auto& [identity, c] : consumers_) {
    auto s = sessions.find(identity);
    if (s == sessions.end()) continue;
    if (prune(c, s->second)) c.front_since = now;
    if (c.order.empty()) continue;
    const InFlight& front = in_flight_.at(c.order.front());
    const util::SteadyTime started = std::max(c.front_since, front.sent_at);
    if (now - started < config_.ack_timeout) continue;
    late.emplace_back(identity, c.last_settle < started);
  }
  for (const auto& [identity, stuck] : late) {
    Session& s = sessions.at(identity);
    const std::uint64_t oldest = consumers_.at(identity).order.front();
    if (auto f = take(s, oldest)) {
      failed(std::move(*f), s.participant,
             "no ACK from " + s.participant + " within ack timeout" +
                 (stuck ? "; it settled nothing meanwhile" : " while it settled others"),
             now_ms);
    }
    if (!stuck) continue;
    spdlog::warn("back-end {} settled nothing for the ack timeout: its {} other deliveries go back",
                 s.participant, s.deliveries.size());
    const auto held = s.deliveries;
    for (std::uint64_t id : held) {
      if (auto f = take(s, id)) {
        failed(std::move(*f), s.participant, s.participant + " settled nothing for the ack timeout",
               now_ms, false);
      }
    }
  }
}

void Dispatcher::refill(Queue& q) {
  const std::size_t asked = q.ready.refillSize();
  if (cluster_) {
    if (clock_.steady() < claim_retry_at_) return;
    auto claimed = cluster_->claim(q.name, asked);
    if (!claimed) {
      spdlog::error("cannot claim messages of queue {} (will retry in {} s): {}", q.name,
                    std::chrono::seconds(kClaimBackoff).count(), claimed.rejection().detail);
      claim_retry_at_ = clock_.steady() + kClaimBackoff;
      return;
    }
    // A lease of this node's that ran out (it renewed too late) is claimed again while the
    // message is still here: it stays once.
    const bool more = claimed->size() >= asked;
    std::unordered_set<std::uint64_t> here;
    for (std::size_t i = 0; i < q.ready.size(); ++i) here.insert(q.ready.at(i).id);
    std::erase_if(*claimed, [&](const QueuedMessage& m) {
      return here.count(m.id) > 0 || in_flight_.count(m.id) > 0;
    });
    q.ready.claimed(std::move(*claimed), more);
    return;
  }
  auto rows = reader_.loadQueued(q.name, q.ready.loadedUpTo(), asked);
  if (!rows) {
    // The window stays marked as spilled, so the next pump tries again.
    spdlog::error("cannot read queue {} from the store (will retry): {}", q.name,
                  rows.rejection().detail);
    return;
  }
  q.ready.refilled(std::move(*rows), asked, idOf);
}

void Dispatcher::pump(Sessions& sessions) {
  for (auto& [name, q] : queues_) {
    if (q.consumers.empty()) {
      if (cluster_ && !q.ready.empty()) giveBack(q);
      continue;
    }
    // A node claims only what a consumer here can take now: the rest stays for the others.
    if (q.ready.wantsRefill() && (!cluster_ || anyCredit(q, sessions))) refill(q);
    pumpQueue(q, sessions);
  }
}

bool Dispatcher::anyCredit(const Queue& q, const Sessions& sessions) const {
  return std::any_of(q.consumers.begin(), q.consumers.end(), [&](const std::string& identity) {
    auto s = sessions.find(identity);
    return s != sessions.end() && s->second.hasCredit();
  });
}

void Dispatcher::pumpQueue(Queue& q, Sessions& sessions) {
  const auto now = clock_.steady();
  while (!q.ready.empty()) {
    Session* target = nullptr;
    for (std::size_t tried = 0; tried < q.consumers.size() && target == nullptr; ++tried) {
      const std::string& identity = q.consumers[q.next_consumer++ % q.consumers.size()];
      auto s = sessions.find(identity);
      if (s != sessions.end() && s->second.hasCredit()) target = &s->second;
    }
    if (target == nullptr) return;
    QueuedMessage& m = q.ready.front();
    if (!m.damage.empty()) {
      bury(q, std::move(m));
      q.ready.popFront();
      continue;
    }
    if (!send_(*target, m)) return;  // peer gone: the transport detaches it
    Consumer& c = consumers_[target->identity];
    if (prune(c, *target) || c.order.empty()) c.front_since = now;
    c.order.push_back(m.id);
    target->deliveries.insert(m.id);
    ++q.in_flight;
    in_flight_.emplace(m.id, InFlight{std::move(m), target->identity, now});
    q.ready.popFront();
    if (q.ready.empty() && q.ready.wantsRefill() && (!cluster_ || anyCredit(q, sessions))) {
      refill(q);
    }
  }
}

std::vector<Dispatcher::QueueView> Dispatcher::queues() const {
  std::vector<QueueView> out;
  std::map<std::string, std::int64_t> oldest_in_flight;
  for (const auto& [id, f] : in_flight_) {
    auto& o = oldest_in_flight[f.message.queue];
    if (o == 0 || f.message.received_at_ms < o) o = f.message.received_at_ms;
  }
  for (const auto& [name, q] : queues_) {
    std::int64_t oldest = q.ready.empty() ? 0 : q.ready.front().received_at_ms;
    if (auto it = oldest_in_flight.find(name);
        it != oldest_in_flight.end() && (oldest == 0 || it->second < oldest)) {
      oldest = it->second;
    }
    out.push_back(QueueView{name, q.depth, q.in_flight, q.dead,
                            static_cast<std::uint32_t>(q.consumers.size()), oldest});
  }
  return out;
}

}  // namespace ozgbus::broker
