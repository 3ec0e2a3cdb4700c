// DeadLetterAdmin: an operator's actions on dead letters, asked for through the admin API and
// carried out on the transport thread, which alone may change queues. A replay sends the
// author's signed original through the pipeline again (so a fixed adapter or schema applies)
// and updates the stored row in place; a discard marks it never to be delivered. Either is
// answered once it is durable (or refused, with the reason). Transport thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "broker/delivery/dispatcher.h"
#include "broker/monitoring/admin_request.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/pipeline/message.h"
#include "broker/store/commit_queue.h"
#include "broker/store/store.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class DeadLetterAdmin {
 public:
  // Hands a message to the pipeline.
  using Submit = std::function<void(Message)>;

  DeadLetterAdmin(StoreReader& reader, CommitQueue& commits, Dispatcher& dispatcher, Submit submit,
                  BrokerCounters& counters, const util::Clock& clock);
  // Answers every request still waiting: the broker is stopping.
  ~DeadLetterAdmin();
  DeadLetterAdmin(const DeadLetterAdmin&) = delete;
  DeadLetterAdmin& operator=(const DeadLetterAdmin&) = delete;

  void request(std::unique_ptr<AdminRequest> request);
  // The pipeline refused a replay: the message stays a dead letter.
  void replayRefused(const FromReplay& replay, const Rejection& why);
  // A replay's commit: queued again, held again, or not stored.
  void replayCommitted(const InsertOutcome& outcome);
  // The discards a commit carried out or could not.
  void discardsCommitted(const CommitOutcome& outcome);

 private:
  struct Pending {
    std::unique_ptr<AdminRequest> request;
    std::string queue;  // the dead letter's
    std::string uuid;
    std::uint64_t id = 0;  // the dead letter's store id
  };
  void answer(std::uint64_t key, int status, const std::string& text);

  StoreReader& reader_;
  CommitQueue& commits_;
  Dispatcher& dispatcher_;
  Submit submit_;
  BrokerCounters& counters_;
  const util::Clock& clock_;
  std::map<std::uint64_t, Pending> pending_;  // replays in the pipeline, discards in the store
  std::set<std::uint64_t> busy_;              // dead letter ids being replayed or discarded
  std::map<std::uint64_t, std::uint64_t> discard_keys_;  // store id -> pending_ key
  std::uint64_t next_key_ = 1;
};

}  // namespace ozgbus::broker
