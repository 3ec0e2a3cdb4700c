// Stand-ins for the broker's seams, so a unit test drives one part alone: a store reader that
// holds what the test puts in it, a commit queue and a reply channel that record what they are
// given. Single-threaded, like the parts they serve.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/delivery/dispatcher.h"
#include "broker/store/commit_queue.h"
#include "broker/store/store.h"
#include "broker/transport/replies.h"

namespace ozgbus::testing {

class FakeReader final : public broker::StoreReader {
 public:
  std::map<std::string, std::vector<broker::QueuedMessage>> queued;  // by queue, id order
  std::map<std::uint64_t, broker::StoredMessage> messages;           // by id
  std::optional<Rejection> failure;  // every read fails with this while set
  int loads = 0;

  Result<std::vector<broker::QueuedMessage>> loadQueued(const std::string& queue,
                                                        std::uint64_t after_id,
                                                        std::size_t limit) override {
    ++loads;
    if (failure) return *failure;
    std::vector<broker::QueuedMessage> out;
    for (const auto& m : queued[queue]) {
      if (m.id > after_id && out.size() < limit) out.push_back(m);
    }
    return out;
  }
  Result<std::vector<broker::ReceiptRecord>> loadReceipts(const std::string&, std::uint64_t,
                                                          std::size_t) override {
    if (failure) return *failure;
    return std::vector<broker::ReceiptRecord>{};
  }
  Result<std::vector<broker::QueueCounts>> queueCounts() override {
    if (failure) return *failure;
    return std::vector<broker::QueueCounts>{};
  }
  Result<std::vector<std::pair<std::string, std::uint64_t>>> pendingReceipts() override {
    if (failure) return *failure;
    return std::vector<std::pair<std::string, std::uint64_t>>{};
  }
  Result<std::optional<broker::StoredMessage>> loadMessage(std::uint64_t id) override {
    if (failure) return *failure;
    auto it = messages.find(id);
    return it == messages.end() ? std::optional<broker::StoredMessage>() : it->second;
  }
  Result<std::vector<broker::MessageTrace>> traces(std::string_view) override {
    if (failure) return *failure;
    return std::vector<broker::MessageTrace>{};
  }
  Result<std::vector<broker::DeadLetter>> deadLetters(std::size_t) override {
    if (failure) return *failure;
    return std::vector<broker::DeadLetter>{};
  }
  Result<broker::StoreCheck> check() override { return broker::StoreCheck{}; }
  Result<broker::AuditVerdict> verifyAudit(const std::optional<broker::AuditTip>&) override {
    return broker::AuditVerdict{};
  }
  std::optional<Rejection> readAudit(
      const std::optional<std::string>&, std::optional<std::uint64_t>,
      const std::function<void(const broker::AuditEntry&)>&) override {
    return std::nullopt;
  }
};

class RecordingCommits final : public broker::CommitQueue {
 public:
  void enqueue(broker::StoreOp op) override { ops.push_back(std::move(op)); }
  template <typename Op>
  std::vector<Op> of() const {
    std::vector<Op> out;
    for (const auto& op : ops) {
      if (const auto* o = std::get_if<Op>(&op)) out.push_back(*o);
    }
    return out;
  }
  std::vector<broker::StoreOp> ops;
};

class RecordingReplies final : public broker::Replies {
 public:
  struct Sent {
    std::string identity;
    v1::Envelope envelope;
    std::vector<std::string> payloads;
  };
  bool send(const std::string& identity, const v1::Envelope& e,
            std::span<zmq::message_t> payloads = {}) override {
    Sent s{identity, e, {}};
    for (const auto& p : payloads)
      s.payloads.emplace_back(static_cast<const char*>(p.data()), p.size());
    sent.push_back(std::move(s));
    return peer_present;
  }
  const Sent& last() const { return sent.back(); }
  std::vector<Sent> sent;
  bool peer_present = true;
};

// A back-end session reading queue "q", attached to the dispatcher as HELLO would.
inline broker::Session& attachBackend(broker::Dispatcher& dispatcher, broker::Sessions& sessions,
                                      const std::string& identity, std::uint32_t credit) {
  broker::Session s;
  s.identity = identity;
  s.participant = identity;
  s.role = v1::BACKEND;
  s.credit = credit;
  s.queues = {"q"};
  broker::Session& stored = sessions.emplace(identity, std::move(s)).first->second;
  dispatcher.attach(stored);
  return stored;
}

}  // namespace ozgbus::testing
