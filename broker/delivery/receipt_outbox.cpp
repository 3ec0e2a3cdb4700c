#include "broker/delivery/receipt_outbox.h"

#include <spdlog/spdlog.h>

namespace ozgbus::broker {
namespace {

// Receipts are made in ACK order, not message order: the window follows their sequence.
std::uint64_t seqOf(const ReceiptRecord& r) { return r.seq; }

}  // namespace

ReceiptOutbox::ReceiptOutbox(const DeliveryConfig& config, StoreReader& reader,
                             const util::Clock& clock, Send send, CommitQueue& outcomes,
                             bool cluster)
    : config_(config),
      reader_(reader),
      clock_(clock),
      send_(std::move(send)),
      outcomes_(outcomes),
      cluster_(cluster) {}

ReceiptOutbox::Box& ReceiptOutbox::box(const std::string& participant, bool spilled) {
  auto it = boxes_.find(participant);
  if (it == boxes_.end()) {
    it = boxes_.try_emplace(participant, config_.memory_window, spilled || cluster_).first;
  }
  return it->second;
}

void ReceiptOutbox::restore(const std::vector<std::pair<std::string, std::uint64_t>>& pending) {
  for (const auto& [participant, count] : pending) box(participant, count > 0).pending = count;
}

void ReceiptOutbox::committed(const ReceiptRecord& receipt) {
  Box& b = box(receipt.recipient);
  ++b.pending;
  if (cluster_) {
    b.ready.markSpilled();
  } else {
    b.ready.committed(receipt.seq, receipt);
  }
}

void ReceiptOutbox::hear(const std::vector<std::string>& portals) {
  for (const std::string& p : portals) box(p).ready.markSpilled();
}

void ReceiptOutbox::lookAgain() {
  for (auto& [participant, b] : boxes_) b.ready.markSpilled();
}

void ReceiptOutbox::resync(const std::vector<std::pair<std::string, std::uint64_t>>& pending) {
  for (auto& [participant, b] : boxes_) b.pending = 0;
  for (const auto& [participant, count] : pending) box(participant).pending = count;
}

void ReceiptOutbox::detach(Session& session) {
  auto it = boxes_.find(session.participant);
  if (it == boxes_.end()) return;
  Box& b = it->second;
  for (std::uint64_t id : session.receipts) {
    auto f = b.in_flight.find(id);
    if (f == b.in_flight.end()) continue;
    b.ready.pushFront(std::move(f->second));
    b.in_flight.erase(f);
  }
  session.receipts.clear();
}

std::optional<Rejection> ReceiptOutbox::ack(Session& session, std::uint64_t receipt_id) {
  auto it = boxes_.find(session.participant);
  if (session.receipts.erase(receipt_id) == 0 || it == boxes_.end() ||
      it->second.in_flight.erase(receipt_id) == 0) {
    return reject(v1::UNKNOWN_DELIVERY,
                  "receipt " + std::to_string(receipt_id) + " is not held by this connection");
  }
  // In a cluster another node's commits are counted only at the next look at the store.
  if (it->second.pending > 0) --it->second.pending;
  outcomes_.enqueue(ReceiptAckOp{receipt_id, clock_.wallMillis()});
  return std::nullopt;
}

void ReceiptOutbox::pump(Sessions& sessions) {
  for (auto& [identity, session] : sessions) {
    if (session.role != v1::PORTAL && session.role != v1::PEER) continue;
    auto it = boxes_.find(session.participant);
    if (it == boxes_.end()) continue;
    Box& b = it->second;
    while (session.receipts.size() < config_.receipt_window) {
      if (b.ready.empty() && b.ready.wantsRefill()) {
        const std::size_t asked = b.ready.refillSize();
        auto rows = reader_.loadReceipts(session.participant, b.ready.loadedUpTo(), asked);
        if (!rows) {
          spdlog::error("cannot read receipts for {} from the store (will retry): {}",
                        session.participant, rows.rejection().detail);
          break;
        }
        b.ready.refilled(std::move(*rows), asked, seqOf);
      }
      if (b.ready.empty()) break;
      ReceiptRecord& r = b.ready.front();
      if (!send_(session, r)) break;
      session.receipts.insert(r.id);
      b.in_flight.emplace(r.id, std::move(r));
      b.ready.popFront();
    }
  }
}

std::uint64_t ReceiptOutbox::pending(const std::string& participant) const {
  auto it = boxes_.find(participant);
  return it == boxes_.end() ? 0 : it->second.pending;
}

}  // namespace ozgbus::broker
