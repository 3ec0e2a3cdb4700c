#include "broker/transport/outcome_handler.h"

#include <spdlog/spdlog.h>

#include "broker/monitoring/broker_metrics.h"

namespace ozgbus::broker {

void OutcomeHandler::refused(Refusal& r) {
  --c_.in_pipeline;
  if (const auto* replay = std::get_if<FromReplay>(&r.origin)) {
    c_.dead_letters.replayRefused(*replay, r.rejection);
    return;
  }
  const auto& from = std::get<FromConnection>(r.origin);
  c_.limiter.answered(from.identity);
  c_.bytes_in_flight -= std::min<std::uint64_t>(c_.bytes_in_flight, from.bytes);
  c_.rejections.note(r.sender, r.message_uuid, r.rejection);
  spdlog::info("message {} rejected: {}", r.message_uuid.empty() ? "(no uuid)" : r.message_uuid,
               r.rejection.toString());
  v1::SubmitResult result;
  result.set_accepted(false);
  result.set_reason(r.rejection.reason);
  result.set_detail(r.rejection.detail);
  result.set_message_uuid(r.message_uuid);
  c_.replies.submitResult(from.identity, from.correlation, result);
}

void OutcomeHandler::committed(CommitOutcome& outcome) {
  ++c_.counters.commits;
  c_.counters.committed_ops += outcome.operations;
  c_.counters.commit_micros += outcome.commit_micros;
  c_.counters.max_commit_micros = std::max(c_.counters.max_commit_micros, outcome.commit_micros);
  brokerMetrics().commit_seconds.with({}).observe(static_cast<double>(outcome.commit_micros) / 1e6);
  brokerMetrics().commit_batch.with({}).observe(static_cast<double>(outcome.operations));
  noteCommitHealth(outcome);
  if (outcome.purged) c_.retention.purged(outcome.purged->first, outcome.purged->second);
  for (InsertOutcome& o : outcome.inserts) {
    --c_.in_pipeline;
    if (o.op.replay()) {
      c_.dead_letters.replayCommitted(o);
    } else {
      inserted(o);
    }
  }
  for (const ReceiptRecord& receipt : outcome.receipts) c_.outbox.committed(receipt);
  c_.dead_letters.discardsCommitted(outcome);
}

// A failing store is loud but not a flood: the first failure at once, then one line per 10 s
// while it lasts, and one when commits succeed again. /readyz follows store_ok.
void OutcomeHandler::noteCommitHealth(const CommitOutcome& outcome) {
  const auto now = c_.clock.steady();
  if (!outcome.error) {
    if (c_.counters.commit_failures > 0) {
      spdlog::info("store commits succeed again after {} failed ones", c_.counters.commit_failures);
    }
    c_.counters.store_ok = true;
    c_.counters.commit_failures = 0;
    return;
  }
  c_.counters.store_ok = false;
  ++c_.counters.commit_failures;
  brokerMetrics().commit_failures.with({}).inc();
  if (c_.counters.commit_failures == 1 || now >= next_failure_log_) {
    spdlog::error(
        "store commit failed ({} in a row): {}; {} operations not stored: submissions are answered "
        "{}, settles and receipt ACKs are retried",
        c_.counters.commit_failures, *outcome.error, outcome.operations,
        outcome.unavailable ? "STORE_UNAVAILABLE" : "STORE_FAILED");
    next_failure_log_ = now + std::chrono::seconds(10);
  }
}

void OutcomeHandler::inserted(InsertOutcome& o) {
  const auto& from = std::get<FromConnection>(o.op.origin);
  c_.limiter.answered(from.identity);
  c_.bytes_in_flight -= std::min<std::uint64_t>(c_.bytes_in_flight, from.bytes);
  const QueuedMessage& m = o.op.message;
  v1::SubmitResult r;
  r.set_message_uuid(m.uuid);
  if (o.failed) {
    const ReasonCode reason = o.unavailable ? v1::STORE_UNAVAILABLE : v1::STORE_FAILED;
    c_.rejections.note(m.sender, m.uuid, reject(reason, o.error));
    spdlog::error("message {} not stored: {}", m.uuid, o.error);
    r.set_accepted(false);
    r.set_reason(reason);
    r.set_detail(o.unavailable
                     ? "the store cannot be reached (" + o.error +
                           "); nothing was accepted: send it again later"
                     : "the store could not commit (" + o.error + "); nothing was accepted");
  } else if (!o.conflict.empty()) {
    // Answering ACCEPTED would tell the portal its second document is on its way; it is not.
    const Rejection why =
        reject(v1::DUPLICATE_CONFLICT,
               "message id " + m.uuid + " of type " + m.message_type + " from " + m.author +
                   " was accepted before with another document (sha256 " +
                   o.conflict.substr(0, 16) + "…, this one " + m.authored_sha256.substr(0, 16) +
                   "…): a new message needs a new id; the first one stands");
    c_.rejections.note(m.sender, m.uuid, why);
    spdlog::warn("message {} from {} refused: {}", m.uuid, m.author, why.detail);
    r.set_accepted(false);
    r.set_duplicate(true);
    r.set_reason(why.reason);
    r.set_detail(why.detail);
  } else {
    ++c_.counters.accepted;
    brokerMetrics().accepted.with({m.queue, m.message_type}).inc();
    r.set_accepted(true);
    r.set_duplicate(o.duplicate);
    r.set_destination(m.queue);
    if (o.duplicate) {
      ++c_.counters.duplicates;
      spdlog::info("message {} from {} accepted again (duplicate, stored once)", m.uuid, m.author);
    } else if (o.op.dead_letter) {
      // Accepted: the bus owns it. Held until the adapter is fixed and it is replayed.
      spdlog::warn("message {} accepted for {} and held as a dead letter: {}", m.uuid, m.queue,
                   o.op.dead_letter->toString());
      r.set_reason(o.op.dead_letter->reason);
      r.set_detail("held in the dead-letter queue: " + o.op.dead_letter->detail);
      c_.dispatcher.committedDead(m);
      ++c_.counters.dead_lettered;
      brokerMetrics().dead_lettered.with({m.queue, reasonName(o.op.dead_letter->reason)}).inc();
    } else {
      spdlog::debug("message {} accepted for {}", m.uuid, m.queue);
      if (c_.events != nullptr && c_.events->wanted()) {
        c_.events->publishTrace(std::move(o.op.history), m.uuid, m.sender, m.queue);
        c_.events->publish(c_.clock.wallMillis(), m.uuid, "stored", "queue " + m.queue, m.sender,
                           m.queue);
      }
      c_.dispatcher.committed(m);
    }
  }
  c_.replies.submitResult(from.identity, from.correlation, r);
}

}  // namespace ozgbus::broker
