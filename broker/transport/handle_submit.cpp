// SUBMIT: hand the document to the pipeline; answer SUBMIT_RESULT once rejected or durable.
#include <spdlog/spdlog.h>

#include "broker/monitoring/broker_metrics.h"
#include "broker/transport/server.h"

namespace ozgbus::broker {

void Server::answerSubmit(const std::string& identity, std::uint64_t correlation,
                          const v1::SubmitResult& result) {
  auto e = wire::makeEnvelope(v1::SUBMIT_RESULT, correlation);
  *e.mutable_submit_result() = result;
  sendTo(identity, e);
}

void Server::onSubmit(Session& s, wire::Frames& f) {
  const auto correlation = f.envelope.correlation_id();
  const auto refuse = [&](ReasonCode reason, std::string detail) {
    noteRejection(s.participant, "", reject(reason, detail));
    spdlog::info("submission from {} refused: {}: {}", s.participant, reasonName(reason), detail);
    v1::SubmitResult r;
    r.set_accepted(false);
    r.set_reason(reason);
    r.set_detail(std::move(detail));
    answerSubmit(s.identity, correlation, r);
  };
  ++counters_.submitted;
  brokerMetrics().submitted.with({}).inc();
  if (s.role != v1::PORTAL && s.role != v1::PEER) {
    return refuse(v1::NOT_AUTHORIZED,
                  "participant " + s.participant + " is connected as " + v1::Role_Name(s.role) +
                      "; only PORTAL and PEER connections may submit");
  }
  if (draining_) return refuse(v1::SHUTTING_DOWN, "broker is stopping; submit again later");
  if (f.payloads.size() != 1) {
    return refuse(v1::MALFORMED_FRAME, "SUBMIT needs exactly one payload frame (the XML document), got " +
                                           std::to_string(f.payloads.size()));
  }
  const zmq::message_t& payload = f.payloads.front();
  if (payload.size() > config_.limits.max_bytes) {
    return refuse(v1::TOO_LARGE, "document has " + std::to_string(payload.size()) +
                                     " bytes, limit is " + std::to_string(config_.limits.max_bytes));
  }
  if (auto limited = limiter_->admit(s.participant, s.identity, clock_.steady())) {
    return refuse(limited->reason, limited->detail);
  }
  Message m;
  m.identity = s.identity;
  m.correlation = correlation;
  m.sender = s.participant;
  m.received_at_ms = clock_.wallMillis();
  m.raw = std::make_shared<const std::string>(wire::view(payload));
  ++in_pipeline_;
  workers_->submit(std::move(m));
}

void Server::onCommitted(CommitOutcome& outcome) {
  ++counters_.commits;
  counters_.committed_ops += outcome.operations;
  counters_.commit_micros += outcome.commit_micros;
  counters_.max_commit_micros = std::max(counters_.max_commit_micros, outcome.commit_micros);
  brokerMetrics().commit_seconds.with({}).observe(static_cast<double>(outcome.commit_micros) / 1e6);
  brokerMetrics().commit_batch.with({}).observe(static_cast<double>(outcome.operations));
  if (outcome.purged) onPurged(outcome.purged->first, outcome.purged->second, clock_.steady());
  for (InsertOutcome& o : outcome.inserts) {
    if (o.op.replace_id != 0) {
      onReplayed(o);
      continue;
    }
    --in_pipeline_;
    limiter_->answered(o.op.identity);
    const QueuedMessage& m = o.op.message;
    v1::SubmitResult r;
    r.set_message_uuid(m.uuid);
    if (o.failed) {
      store_ok_ = false;
      noteRejection(m.sender, m.uuid, reject(v1::STORE_FAILED, o.error));
      spdlog::error("message {} not stored: {}", m.uuid, o.error);
      r.set_accepted(false);
      r.set_reason(v1::STORE_FAILED);
      r.set_detail("the store could not commit (" + o.error + "); nothing was accepted");
    } else {
      store_ok_ = true;
      ++counters_.accepted;
      brokerMetrics().accepted.with({m.queue, m.message_type}).inc();
      r.set_accepted(true);
      r.set_duplicate(o.duplicate);
      r.set_destination(m.queue);
      if (o.duplicate) {
        ++counters_.duplicates;
        spdlog::info("message {} from {} accepted again (duplicate, stored once)", m.uuid, m.author);
      } else if (o.op.dead_letter) {
        // Accepted: the bus owns it. Held until the adapter is fixed and it is replayed.
        spdlog::warn("message {} accepted for {} and held as a dead letter: {}", m.uuid, m.queue,
                     o.op.dead_letter->toString());
        r.set_reason(o.op.dead_letter->reason);
        r.set_detail("held in the dead-letter queue: " + o.op.dead_letter->detail);
        dispatcher_->committedDead(m);
        ++counters_.dead_lettered;
        brokerMetrics().dead_lettered.with({m.queue, reasonName(o.op.dead_letter->reason)}).inc();
      } else {
        spdlog::debug("message {} accepted for {}", m.uuid, m.queue);
        if (watched()) {
          events_->publishTrace(std::move(o.op.history), m.uuid, m.sender, m.queue);
          flow(m.uuid, "stored", "queue " + m.queue, m.sender, m.queue);
        }
        dispatcher_->committed(m);
      }
    }
    answerSubmit(o.op.identity, o.op.correlation, r);
  }
  for (const ReceiptRecord& receipt : outcome.receipts) outbox_->committed(receipt);
  for (const DiscardOp& d : outcome.discarded) {
    const auto key = discard_keys_.extract(d.id);
    if (key.empty()) continue;
    const auto it = pending_admin_.find(key.mapped());
    if (it == pending_admin_.end()) continue;
    dispatcher_->deadLetterRemoved(it->second.queue);
    answerAdmin(key.mapped(), 200, "dead letter " + std::to_string(d.id) + " discarded: message " +
                                       it->second.uuid + " will not be delivered");
  }
  for (const auto& [d, why] : outcome.not_discarded) {
    const auto key = discard_keys_.extract(d.id);
    if (!key.empty()) answerAdmin(key.mapped(), 404, why);
  }
}

void Server::onReplayed(InsertOutcome& o) {
  --in_pipeline_;
  const QueuedMessage& m = o.op.message;
  const std::uint64_t key = o.op.correlation;
  if (o.failed) {
    answerAdmin(key, 409, "replay not stored: " + o.error);
    return;
  }
  dispatcher_->deadLetterRemoved(o.op.replayed_from_queue);
  if (o.op.dead_letter) {
    dispatcher_->committedDead(m);
    ++counters_.dead_lettered;
    brokerMetrics().dead_lettered.with({m.queue, reasonName(o.op.dead_letter->reason)}).inc();
    answerAdmin(key, 200, "dead letter " + std::to_string(m.id) + " replayed, and held again in " + m.queue +
                              ": " + o.op.dead_letter->toString());
    return;
  }
  dispatcher_->replayed(m);
  answerAdmin(key, 200, "dead letter " + std::to_string(m.id) + " replayed: message " + m.uuid +
                            " is queued again in " + m.queue);
}

}  // namespace ozgbus::broker
