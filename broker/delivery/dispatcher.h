// Dispatcher: per-queue delivery to back-end sessions with credit-based flow control,
// redelivery after a disconnect, a NACK with requeue or the ack timeout, and dead-lettering
// after max_attempts. Memory per queue is bounded by a SpillWindow; the rest stays in the store.
// Not thread-safe: lives on the transport thread; it reads the store through its own reader and
// writes through a CommitQueue (the outcome path to the group commit).
// A node of several (cluster non-null) delivers only what it claimed: its windows are filled by
// claims, never by its own commits (another node may deliver those), and what it holds for a
// queue it no longer has a consumer of goes back at once.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/config/config.h"
#include "broker/delivery/session.h"
#include "broker/delivery/spill_window.h"
#include "broker/store/cluster_link.h"
#include "broker/store/commit_queue.h"
#include "broker/store/records.h"
#include "broker/store/store.h"
#include "core/result.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class Dispatcher {
 public:
  // send: hands a DELIVER to the session's socket; false when the peer is gone.
  using Send = std::function<bool(Session&, const QueuedMessage&)>;

  // outcomes: where settles and failed attempts go on their way to the store.
  Dispatcher(const DeliveryConfig& config, StoreReader& reader, const util::Clock& clock, Send send,
             CommitQueue& outcomes, ClusterLink* cluster = nullptr);

  // Depth counts from the store after a restart; the windows then refill from disk.
  void restore(const std::vector<QueueCounts>& counts);

  void committed(const QueuedMessage& message);
  // Stored straight into the dead-letter queue (its adapter failed): counted, not delivered.
  void committedDead(const QueuedMessage& message) { ++queue(message.queue).dead; }
  // A replayed dead letter, queued again under its old id.
  void replayed(const QueuedMessage& message) {
    Queue& q = queue(message.queue);
    ++q.depth;
    if (cluster_) {
      q.ready.markSpilled();
    } else {
      q.ready.reinsert(message);
    }
  }
  // Cluster: these queues got messages (at any node); claim at the next pump.
  void hear(const std::vector<std::string>& queues);
  // Cluster: look at every queue again (expired leases, lost notifications).
  void lookAgain();
  // Cluster: the messages this node holds (in memory or in flight), whose leases it renews.
  std::vector<std::uint64_t> held() const;
  // Cluster: the counts of the whole cluster, from the store.
  void resync(const std::vector<QueueCounts>& counts);
  // A dead letter left the queue's dead letters (replayed or discarded).
  void deadLetterRemoved(const std::string& queue_name) {
    Queue& q = queue(queue_name);
    if (q.dead > 0) --q.dead;
  }
  void attach(Session& session);
  // Everything the session held goes back to the front of its queue. A connection that was
  // lost or timed out counts one attempt per message; one that said BYE does not.
  void detach(Session& session, bool count_attempt);

  // ACK: delivered. UNKNOWN_DELIVERY if this session does not hold the id.
  std::optional<Rejection> ack(Session& session, std::uint64_t id);
  std::optional<Rejection> nack(Session& session, const v1::Nack& nack);
  // The UUID of the message a delivery carries, so a log line can name it; empty when the
  // delivery is not in flight.
  std::string uuidOf(std::uint64_t delivery_id) const {
    auto it = in_flight_.find(delivery_id);
    return it == in_flight_.end() ? std::string() : it->second.message.uuid;
  }

  // Redelivers a consumer's oldest delivery once it has been the oldest for the ack timeout
  // (counted as a failed attempt); when the consumer settled nothing in that time it is taken
  // for stuck and everything else it holds goes back too, not counted (it never started on it).
  void expire(Sessions& sessions);

  // Sends as much as credit allows, refilling windows from the store where they spilled.
  void pump(Sessions& sessions);

  struct QueueView {
    std::string name;
    std::uint64_t depth, in_flight, dead;
    std::uint32_t consumers;
    std::int64_t oldest_received_ms = 0;  // of the messages waiting or in flight; 0: none
  };
  std::vector<QueueView> queues() const;
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t redelivered() const { return redelivered_; }
  std::uint64_t deadLettered() const { return dead_lettered_; }

 private:
  struct Queue {
    explicit Queue(std::string n, std::size_t window, bool spilled)
        : name(std::move(n)), ready(window, spilled) {}
    std::string name;
    SpillWindow<QueuedMessage> ready;
    std::uint64_t depth = 0;  // queued in the store, including in flight
    std::uint64_t in_flight = 0;
    std::uint64_t dead = 0;
    std::vector<std::string> consumers;  // session identities
    std::size_t next_consumer = 0;
  };
  struct InFlight {
    QueuedMessage message;
    std::string identity;
    util::SteadyTime sent_at;
  };
  // A consumer's deliveries in the order sent. Only the oldest one it still holds can time out,
  // and its clock starts when it became the oldest: a back-end working through a deep credit
  // at its own pace is not taken for a stuck one.
  struct Consumer {
    std::deque<std::uint64_t> order;  // delivery ids, settled ones pruned from the front
    util::SteadyTime front_since{};   // when the oldest unsettled one became the oldest
    util::SteadyTime last_settle{};   // its last ACK or NACK
  };
  // Drops settled deliveries from the front; true when the front changed.
  bool prune(Consumer& c, const Session& session);

  Queue& queue(const std::string& name, bool spilled = false);
  void pumpQueue(Queue& q, Sessions& sessions);
  bool anyCredit(const Queue& q, const Sessions& sessions) const;
  // In a cluster another node settles what this one counted, and the other way round: a count
  // is set again from the store now and then and never goes below zero meanwhile.
  static void lower(std::uint64_t& count) {
    if (count > 0) --count;
  }
  void refill(Queue& q);
  // Cluster: what the queue holds in memory goes back to the store for other nodes.
  void giveBack(Queue& q);
  // A delivery failed (disconnect, timeout, NACK requeue): count the attempt, requeue or bury.
  void failed(InFlight&& f, const std::string& consumer, const std::string& detail,
              std::int64_t now_ms, bool count_attempt = true);
  std::optional<InFlight> take(Session& session, std::uint64_t id);
  // A message the store could not give back intact: a dead letter, never delivered.
  void bury(Queue& q, QueuedMessage&& m);

  DeliveryConfig config_;
  StoreReader& reader_;
  const util::Clock& clock_;
  Send send_;
  CommitQueue& outcomes_;
  ClusterLink* cluster_;
  util::SteadyTime claim_retry_at_{};
  std::map<std::string, Queue> queues_;
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  std::unordered_map<std::string, Consumer> consumers_;  // by session identity
  std::uint64_t dead_lettered_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t redelivered_ = 0;
};

}  // namespace ozgbus::broker
