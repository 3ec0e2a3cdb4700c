// ReceiptOutbox: receipts (delivered / rejected by the receiver) waiting for their portal. They
// are durable in the store from the moment they are made, held until the portal is connected,
// sent at most receipt_window at a time per connection, and gone only when the portal ACKs them.
// Not thread-safe: lives on the transport thread.
// A node of several (cluster) reads every receipt from the store, its own too: receipt numbers
// follow the order commits became visible in, so reading after the last one seen misses none,
// whichever node made it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "broker/config/config.h"
#include "broker/delivery/session.h"
#include "broker/delivery/spill_window.h"
#include "broker/store/commit_queue.h"
#include "broker/store/records.h"
#include "broker/store/store.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class ReceiptOutbox {
 public:
  using Send = std::function<bool(Session&, const ReceiptRecord&)>;

  // outcomes: where a receipt's ACK goes on its way to the store.
  ReceiptOutbox(const DeliveryConfig& config, StoreReader& reader, const util::Clock& clock,
                Send send, CommitQueue& outcomes, bool cluster = false);

  void restore(const std::vector<std::pair<std::string, std::uint64_t>>& pending);
  void committed(const ReceiptRecord& receipt);
  // Cluster: these portals got receipts (at any node); read at the next pump.
  void hear(const std::vector<std::string>& portals);
  void lookAgain();
  // Cluster: receipts waiting per portal, from the store.
  void resync(const std::vector<std::pair<std::string, std::uint64_t>>& pending);
  // Receipts the session held go back to be sent again.
  void detach(Session& session);
  std::optional<Rejection> ack(Session& session, std::uint64_t receipt_id);
  void pump(Sessions& sessions);

  std::uint64_t pending(const std::string& participant) const;

 private:
  struct Box {
    explicit Box(std::size_t window, bool spilled) : ready(window, spilled) {}
    SpillWindow<ReceiptRecord> ready;
    std::uint64_t pending = 0;  // not yet acknowledged, in the store
    std::unordered_map<std::uint64_t, ReceiptRecord> in_flight;
  };
  Box& box(const std::string& participant, bool spilled = false);

  DeliveryConfig config_;
  StoreReader& reader_;
  const util::Clock& clock_;
  Send send_;
  CommitQueue& outcomes_;
  bool cluster_;
  std::map<std::string, Box> boxes_;
};

}  // namespace ozgbus::broker
