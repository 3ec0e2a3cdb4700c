// RouterLoop: the broker's transport thread. It owns the ROUTER socket's traffic, the sessions
// and everything that changes with them — the dispatcher, the receipt outbox, the submit
// limiter, the dead-letter actions, retention — and polls the socket beside its mailbox, where
// the workers, the group committer and the HTTP threads hand it events. Each command goes to
// its handler; each outcome to the OutcomeHandler. Every socket it uses is used by the thread
// that calls run(), and only by it. requestStop() and requestReload() are async-signal-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "broker/admin/dead_letters.h"
#include "broker/admin/overview_publisher.h"
#include "broker/delivery/dispatcher.h"
#include "broker/delivery/outcome_recorder.h"
#include "broker/delivery/receipt_outbox.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/monitoring/flow_events.h"
#include "broker/monitoring/rejection_log.h"
#include "broker/pipeline/worker_pool.h"
#include "broker/runtime/runtime.h"
#include "broker/security/handshake_refusals.h"
#include "broker/security/submit_limiter.h"
#include "broker/store/group_committer.h"
#include "broker/store/retention.h"
#include "broker/transport/ack_handler.h"
#include "broker/transport/event.h"
#include "broker/transport/hello_handler.h"
#include "broker/transport/outcome_handler.h"
#include "broker/transport/replies.h"
#include "broker/transport/status_handler.h"
#include "broker/transport/submit_handler.h"
#include "core/util/clock.h"
#include "core/wire/socket_monitor.h"

namespace ozgbus::broker {

class RouterLoop final : private Replies {
 public:
  // What the loop works with; everything outlives it.
  struct Wiring {
    zmq::socket_t& router;                // configured; bound by the caller
    wire::SocketMonitor* router_monitor;  // failed handshakes on the ROUTER; null when insecure
    HandshakeRefusals& refusals;
    Runtime& runtime;
    const Store& store;  // the loop opens its own reader
    GroupCommitter& committer;
    WorkerPool& workers;
    EventMailbox& mailbox;
    FlowEvents* events;  // null when [events] publish = ""
    CurrentOverview& overview;
    const util::Clock& clock;
    ClusterLink* cluster;  // null unless this broker is one node of several
  };

  // Restores queue and receipt state from the store.
  static Result<std::unique_ptr<RouterLoop>> create(Wiring w);
  ~RouterLoop() override;

  // Serves until requestStop(); then stops taking submissions, finishes every commit already
  // started, answers it, stops the workers and the committer, and returns.
  void run();
  static void requestStop();
  // The loop reloads the runtime at its next turn (SIGHUP).
  static void requestReload();

 private:
  explicit RouterLoop(Wiring w);

  bool send(const std::string& identity, const v1::Envelope& e,
            std::span<zmq::message_t> payloads = {}) override;
  void receiveFrames();
  void handle(std::string identity, const std::string& user_id, const std::string& curve_key,
              wire::Frames f);
  void handleEvent(Event& event);
  void housekeeping();
  // A node of several: what the others committed, leases renewed, the store looked at.
  void hearCluster(bool readable);
  void clusterHousekeeping(util::SteadyTime now);
  std::vector<ClusterNode> clusterNodes();
  void reload();
  void logStats();
  void noteHandshakeFailures();
  // count_attempt: false when the client left in good order (BYE, HELLO again).
  void dropSession(const std::string& identity, const char* why, bool count_attempt = true);
  bool idle() const;
  // What arrives while the broker closes is answered (SUBMIT: SHUTTING_DOWN), not dropped.
  void drainSocket();
  void toPipeline(Message m);
  bool sendDeliver(Session& s, const QueuedMessage& m);
  bool sendReceipt(Session& s, const ReceiptRecord& r);
  void flow(const std::string& uuid, const char* event, std::string detail,
            const std::string& participant = "", const std::string& queue = "");

  Wiring w_;
  const util::Clock& clock_;
  std::unique_ptr<StoreReader> reader_;
  Sessions sessions_;
  std::vector<std::pair<std::string, const char*>> gone_;  // sessions a send failed for, and why
  BrokerCounters counters_;
  std::uint64_t in_pipeline_ = 0;  // submissions and replays handed to workers, not yet answered
  std::uint64_t bytes_in_flight_ = 0;  // of the submissions among them
  bool draining_ = false;
  util::SteadyTime drain_deadline_;
  util::SteadyTime next_signing_alarm_{};
  util::SteadyTime next_stats_;
  util::SteadyTime next_overview_;
  util::SteadyTime next_heartbeat_{};
  util::SteadyTime next_cluster_poll_{};
  std::vector<ClusterNode> nodes_;  // as of the last heartbeat

  RejectionLog rejections_;
  SubmitLimiter limiter_;
  OutcomeRecorder outcomes_;  // delivery outcomes on their way to the store
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<ReceiptOutbox> outbox_;
  std::unique_ptr<DeadLetterAdmin> dead_letters_;
  std::unique_ptr<Retention> retention_;
  std::unique_ptr<OverviewPublisher> overview_;
  std::unique_ptr<HelloHandler> hello_;
  std::unique_ptr<SubmitHandler> submit_;
  std::unique_ptr<AckHandler> acks_;
  std::unique_ptr<StatusHandler> status_;
  std::unique_ptr<OutcomeHandler> outcomes_handler_;
};

}  // namespace ozgbus::broker
