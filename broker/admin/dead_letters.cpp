#include "broker/admin/dead_letters.h"

#include <spdlog/spdlog.h>

#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {

DeadLetterAdmin::DeadLetterAdmin(StoreReader& reader, CommitQueue& commits, Dispatcher& dispatcher,
                                 Submit submit, BrokerCounters& counters, const util::Clock& clock)
    : reader_(reader),
      commits_(commits),
      dispatcher_(dispatcher),
      submit_(std::move(submit)),
      counters_(counters),
      clock_(clock) {}

DeadLetterAdmin::~DeadLetterAdmin() {
  for (auto& [key, p] : pending_) p.request->answer.set_value({503, "the broker is stopping"});
}

void DeadLetterAdmin::request(std::unique_ptr<AdminRequest> request) {
  const std::uint64_t id = request->id;
  if (busy_.count(id) != 0) {
    request->answer.set_value(
        {409, "dead letter " + std::to_string(id) + " is being replayed or discarded"});
    return;
  }
  auto stored = reader_.loadMessage(id);
  if (!stored) {
    request->answer.set_value({503, "store: " + stored.rejection().detail});
    return;
  }
  if (!*stored || (*stored)->state != MessageState::kDeadLetter) {
    request->answer.set_value({404, "dead letter " + std::to_string(id) +
                                        " does not exist (already replayed or discarded?)"});
    return;
  }
  const QueuedMessage& m = (*stored)->message;
  const std::uint64_t key = next_key_++;
  if (request->kind == AdminRequest::Kind::kDiscard) {
    spdlog::info("dead letter {} (message {}) discarded by {}", m.id, m.uuid, request->by);
    commits_.enqueue(DiscardOp{m.id, request->by, clock_.wallMillis()});
    discard_keys_[m.id] = key;
    busy_.insert(m.id);
    pending_[key] = {std::move(request), m.queue, m.uuid, m.id};
    return;
  }
  // The author's signed original goes through the pipeline again; the row is updated in place
  // and the message keeps its trace.
  const auto& original = m.original ? m.original : m.payload;
  if (!original) {
    request->answer.set_value(
        {409, "dead letter " + std::to_string(m.id) + " has no document to replay"});
    return;
  }
  spdlog::info("dead letter {} (message {}) replayed by {}", m.id, m.uuid, request->by);
  Message msg;
  msg.origin = FromReplay{key, m.id, m.queue, request->by, m.received_at_ms};
  msg.sender = m.sender;
  msg.received_at_ms = clock_.wallMillis();
  msg.raw = original;
  busy_.insert(m.id);
  pending_[key] = {std::move(request), m.queue, m.uuid, m.id};
  submit_(std::move(msg));
}

void DeadLetterAdmin::answer(std::uint64_t key, int status, const std::string& text) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return;
  busy_.erase(it->second.id);
  it->second.request->answer.set_value({status, text});
  pending_.erase(it);
}

void DeadLetterAdmin::replayRefused(const FromReplay& replay, const Rejection& why) {
  answer(replay.request, 409,
         "replay refused by the pipeline, the message stays a dead letter: " + why.toString());
}

void DeadLetterAdmin::replayCommitted(const InsertOutcome& o) {
  const FromReplay& from = *o.op.replay();
  const QueuedMessage& m = o.op.message;
  if (o.failed) {
    answer(from.request, 409, "replay not stored: " + o.error);
    return;
  }
  dispatcher_.deadLetterRemoved(from.from_queue);
  if (o.op.dead_letter) {
    dispatcher_.committedDead(m);
    ++counters_.dead_lettered;
    brokerMetrics().dead_lettered.with({m.queue, reasonName(o.op.dead_letter->reason)}).inc();
    answer(from.request, 200,
           "dead letter " + std::to_string(m.id) + " replayed, and held again in " + m.queue +
               ": " + o.op.dead_letter->toString());
    return;
  }
  dispatcher_.replayed(m);
  answer(from.request, 200,
         "dead letter " + std::to_string(m.id) + " replayed: message " + m.uuid +
             " is queued again in " + m.queue);
}

void DeadLetterAdmin::discardsCommitted(const CommitOutcome& outcome) {
  for (const DiscardOp& d : outcome.discarded) {
    const auto key = discard_keys_.extract(d.id);
    if (key.empty()) continue;
    const auto it = pending_.find(key.mapped());
    if (it == pending_.end()) continue;
    dispatcher_.deadLetterRemoved(it->second.queue);
    answer(key.mapped(), 200,
           "dead letter " + std::to_string(d.id) + " discarded: message " + it->second.uuid +
               " will not be delivered");
  }
  for (const auto& [d, why] : outcome.not_discarded) {
    const auto key = discard_keys_.extract(d.id);
    if (!key.empty()) answer(key.mapped(), 404, why);
  }
}

}  // namespace ozgbus::broker
