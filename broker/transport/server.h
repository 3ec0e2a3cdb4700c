// Server: the broker's transport thread. Owns the ROUTER socket, the sessions, the dispatcher
// and the receipt outbox; hands submissions to the worker pool and store writes to the group
// committer, and answers from their mailbox events. Every ZeroMQ socket here is used by the
// thread that calls run(), and only by it. requestStop() is async-signal-safe.
#pragma once

#include <atomic>
#include <deque>
#include <set>
#include <mutex>
#include <memory>
#include <string>
#include <unordered_map>
#include <zmq.hpp>

#include "broker/config/config.h"
#include "broker/delivery/dispatcher.h"
#include "broker/delivery/receipt_outbox.h"
#include "broker/monitoring/flow_events.h"
#include "broker/monitoring/http_server.h"
#include "broker/monitoring/overview.h"
#include "broker/pipeline/worker_pool.h"
#include "broker/routing/routing_table.h"
#include "broker/store/group_committer.h"
#include "broker/store/store.h"
#include "broker/security/zap_handler.h"
#include "broker/transport/mailbox.h"
#include "core/dsig/signer.h"
#include "core/dsig/trust_store.h"
#include "core/wire/codec.h"
#include "core/wire/socket_monitor.h"

namespace ozgbus::broker {

class Server {
 public:
  // Opens the store, restores queue state, binds the endpoint, starts workers and committer.
  // Every instant it records and every deadline come from `clock`, which must outlive it.
  static Result<std::unique_ptr<Server>> create(BrokerConfig config,
                                                const Clock& clock = Clock::system());
  ~Server();

  // Serves until requestStop(); then stops taking submissions, finishes every commit already
  // started, answers it, and returns.
  void run();
  static void requestStop();
  // Async-signal-safe: the loop re-reads the participants and schemas at its next turn (SIGHUP).
  static void requestReload();
  // The endpoint actually bound (resolves a "*" port).
  std::string endpoint() const;

 private:
  Server(BrokerConfig config, const Clock& clock);

  // server.cpp: the loop
  void receiveFrames();
  // user_id: the participant the ZAP handler bound the connection to (empty when insecure)
  void handle(std::string identity, const std::string& user_id, const std::string& curve_key,
              wire::Frames frames);
  void handleEvent(Event& event);
  // handle_admin.cpp
  void noteRejection(const std::string& sender, const std::string& uuid, const Rejection& r);
  void publishOverview();
  void registerStateGauges();
  AdminAnswer askTransport(AdminRequest::Kind kind, std::uint64_t id);  // from the HTTP threads
  void onAdmin(std::unique_ptr<AdminRequest> request);
  bool answerAdmin(std::uint64_t key, int status, const std::string& text);
  void onReplayed(InsertOutcome& o);
  struct PendingAdmin {
    std::unique_ptr<AdminRequest> request;
    std::string queue;  // the dead letter's
    std::string uuid;
    std::uint64_t id = 0;  // the dead letter's store id
  };
  std::set<std::uint64_t> replaying_;  // dead letters in the pipeline again
  std::map<std::uint64_t, PendingAdmin> pending_admin_;  // replays in the pipeline, discards in the store
  std::map<std::uint64_t, std::uint64_t> discard_keys_;  // store id -> pending_admin_ key
  std::uint64_t next_admin_ = 1;
  void housekeeping(SteadyTime now);
  // count_attempt: false when the client left in good order (BYE, HELLO again).
  void dropSession(const std::string& identity, const char* why, bool count_attempt = true);
  bool idle() const;

  // handle_hello.cpp
  void onHello(const std::string& identity, const std::string& user_id,
               const std::string& curve_key, const wire::Frames& f);
  // The rights check of HELLO against the participant registry; empty when allowed.
  std::optional<Rejection> admit(const std::string& user_id, const std::string& curve_key,
                                 const v1::Hello& hello, std::vector<std::string>& queues) const;
  // handle_submit.cpp
  void onSubmit(Session& s, wire::Frames& f);
  void answerSubmit(const std::string& identity, std::uint64_t correlation,
                    const v1::SubmitResult& result);
  void onCommitted(CommitOutcome& outcome);
  // handle_ack.cpp
  void onAck(Session& s, const wire::Frames& f);
  void onNack(Session& s, const wire::Frames& f);
  // handle_status.cpp
  void onStatus(Session& s, const wire::Frames& f);

  // send helpers (server.cpp); false when the peer is gone
  bool sendTo(const std::string& identity, const v1::Envelope& e,
              std::span<zmq::message_t> payloads = {});
  void sendError(const std::string& identity, std::uint64_t correlation, const Rejection& r);
  bool sendDeliver(Session& s, const QueuedMessage& m);
  static zmq::message_t sharedFrame(const std::shared_ptr<const std::string>& bytes);
  bool sendReceipt(Session& s, const ReceiptRecord& r);

  BrokerConfig config_;
  const Clock& clock_;
  RoutingTable routes_;
  CurrentParticipants participants_;
  schema::CurrentRegistry schemas_;
  dsig::CurrentTrustStore trust_;
  CurrentAdapters adapters_;
  CurrentOverview overview_;
  std::deque<Overview::Rejection> recent_rejections_;  // newest first, at most 50
  std::int64_t started_at_ms_ = 0;
  bool store_ok_ = true;
  std::unique_ptr<MailboxPoster> admin_poster_;  // the HTTP threads', under admin_mu_
  std::mutex admin_mu_;
  std::unique_ptr<AdminHttp> http_;
  std::unique_ptr<FlowEvents> events_;  // null when [events] publish = ""
  std::string curve_secret_;            // the broker's CURVE secret key, for the events socket too
  // Whether flow events are on and someone subscribes (then flow() is worth its strings).
  bool watched() const { return events_ && events_->wanted(); }
  void flow(const std::string& uuid, const char* event, std::string detail,
            const std::string& participant = "", const std::string& queue = "");
  SteadyTime next_overview_ = clock_.steady();
  static Result<std::shared_ptr<const AdapterSet>> loadAdapters(const BrokerConfig& c);
  std::shared_ptr<const dsig::Signer> signer_;  // null without [signatures] broker_key
  void reload();
  zmq::context_t ctx_{1};
  zmq::socket_t router_;
  std::unique_ptr<HandshakeRefusals> refusals_;
  std::unique_ptr<ZapHandler> zap_;  // null when insecure; bound before the ROUTER binds
  std::unique_ptr<wire::SocketMonitor> router_monitor_;  // failed handshakes on the ROUTER
  void noteHandshakeFailures();
  std::unique_ptr<Mailbox> mailbox_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<ReceiptOutbox> outbox_;
  std::unordered_map<std::string, Session> sessions_;
  std::unique_ptr<SubmitLimiter> limiter_;
  std::vector<std::string> gone_;  // sessions whose peer vanished during a send
  std::uint64_t next_session_ = 1;
  std::uint64_t in_pipeline_ = 0;  // submissions handed to workers and not yet answered
  bool draining_ = false;

  struct Counters {
    std::uint64_t submitted = 0, accepted = 0, rejected = 0, duplicates = 0, errors = 0;
    std::uint64_t dead_lettered = 0;
    std::uint64_t commits = 0, committed_ops = 0;
    std::int64_t commit_micros = 0, max_commit_micros = 0;
  } counters_;
  SteadyTime next_stats_ = clock_.steady();
  // Retention ([store] retain_days): one PurgeOp at a time, going through the messages in id
  // order; soon again while there is more, else once a minute.
  void purgeIfDue(SteadyTime now);
  void onPurged(std::uint64_t removed, std::uint64_t next_after, SteadyTime now);
  SteadyTime next_purge_;
  std::uint64_t purge_after_ = 0;
  bool purge_in_flight_ = false;
  void logStats(SteadyTime now);
};

}  // namespace ozgbus::broker
