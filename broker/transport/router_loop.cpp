#include "broker/transport/router_loop.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include "broker/delivery/receipt_document.h"
#include "broker/monitoring/broker_metrics.h"
#include "broker/security/zap_handler.h"
#include "core/util/systemd_notify.h"

namespace ozgbus::broker {
namespace {

constexpr const char* kPeerGone = "peer unreachable";
// The broker's outgoing pipe to it stayed full: it does not read what it is sent (a client that
// never reads would otherwise grow the broker without bound).
constexpr const char* kSendQueueFull =
    "its outgoing queue is full (the client does not read what it is sent)";

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

// Zero-copy: the frame keeps the shared bytes alive until ZeroMQ has sent them.
zmq::message_t sharedFrame(const std::shared_ptr<const std::string>& bytes) {
  auto* keep = new std::shared_ptr<const std::string>(bytes);
  return zmq::message_t(
      const_cast<char*>((*keep)->data()), (*keep)->size(),
      [](void*, void* hint) { delete static_cast<std::shared_ptr<const std::string>*>(hint); },
      keep);
}

}  // namespace

void RouterLoop::requestStop() { g_stop.store(true); }
void RouterLoop::requestReload() { g_reload.store(true); }

RouterLoop::RouterLoop(Wiring w)
    : w_(w),
      clock_(w.clock),
      next_stats_(w.clock.steady()),
      next_overview_(w.clock.steady()),
      rejections_(counters_, w.events, w.clock),
      limiter_(w.runtime.config().submit),
      outcomes_(w.committer, w.events, w.clock) {}

RouterLoop::~RouterLoop() = default;

Result<std::unique_ptr<RouterLoop>> RouterLoop::create(Wiring w) {
  std::unique_ptr<RouterLoop> l(new RouterLoop(w));
  auto reader = w.store.reader();
  if (!reader) return reader.rejection();
  l->reader_ = std::move(*reader);
  const BrokerConfig& c = w.runtime.config();
  RouterLoop* raw = l.get();
  l->dispatcher_ = std::make_unique<Dispatcher>(
      c.delivery, *l->reader_, w.clock,
      [raw](Session& s, const QueuedMessage& m) { return raw->sendDeliver(s, m); }, l->outcomes_,
      w.cluster);
  l->outbox_ = std::make_unique<ReceiptOutbox>(
      c.delivery, *l->reader_, w.clock,
      [raw](Session& s, const ReceiptRecord& r) { return raw->sendReceipt(s, r); }, l->outcomes_,
      w.cluster != nullptr);
  auto counts = l->reader_->queueCounts();
  if (!counts) return counts.rejection();
  l->dispatcher_->restore(*counts);
  auto receipts = l->reader_->pendingReceipts();
  if (!receipts) return receipts.rejection();
  l->outbox_->restore(*receipts);

  const auto pipeline = [raw](Message m) { raw->toPipeline(std::move(m)); };
  l->dead_letters_ = std::make_unique<DeadLetterAdmin>(*l->reader_, w.committer, *l->dispatcher_,
                                                       pipeline, l->counters_, w.clock);
  l->retention_ = std::make_unique<Retention>(c.store, w.clock, w.committer);
  l->overview_ = std::make_unique<OverviewPublisher>(
      OverviewPublisher::Sources{*l->dispatcher_, l->sessions_, l->counters_, l->rejections_,
                                 w.runtime, w.store, l->nodes_},
      w.overview, w.clock);
  l->overview_->publish();
  l->hello_ = std::make_unique<HelloHandler>(HelloHandler::Context{
      w.runtime, l->sessions_, *l->dispatcher_, *l, l->counters_, w.clock,
      [raw](const std::string& identity) {
        raw->dropSession(identity, "HELLO again on the same connection", false);
      }});
  l->submit_ = std::make_unique<SubmitHandler>(
      SubmitHandler::Context{c, l->limiter_, l->draining_, *l, l->rejections_, l->counters_,
                             pipeline, w.clock, l->bytes_in_flight_});
  l->acks_ = std::make_unique<AckHandler>(
      AckHandler::Context{*l->dispatcher_, *l->outbox_, *l, l->counters_});
  l->status_ = std::make_unique<StatusHandler>(
      StatusHandler::Context{*l->dispatcher_, *l->outbox_, l->sessions_, l->counters_, w.runtime,
                             *l, [raw] { return raw->clusterNodes(); }});
  l->outcomes_handler_ = std::make_unique<OutcomeHandler>(OutcomeHandler::Context{
      *l, l->limiter_, l->rejections_, l->counters_, *l->dispatcher_, *l->outbox_,
      *l->dead_letters_, *l->retention_, w.events, l->in_pipeline_, w.clock, l->bytes_in_flight_});
  return l;
}

void RouterLoop::toPipeline(Message m) {
  ++in_pipeline_;
  w_.workers.submit(std::move(m));
}

void RouterLoop::run() {
  const BrokerConfig& c = w_.runtime.config();
  spdlog::info("ozgbus broker listening on {} (store {}, {} workers, stages: {})",
               w_.router.get(zmq::sockopt::last_endpoint), c.store.path.string(), c.workers,
               fmt::join(c.stages, " > "));
  zmq::pollitem_t items[] = {
      {w_.router.handle(), 0, ZMQ_POLLIN, 0},
      {w_.mailbox.socket().handle(), 0, ZMQ_POLLIN, 0},
      {w_.router_monitor ? w_.router_monitor->socket().handle() : nullptr, 0, ZMQ_POLLIN, 0},
      {nullptr, -1, ZMQ_POLLIN, 0}};
  auto next_housekeeping = clock_.steady();
  for (;;) {
    // The cluster's connection wakes the loop when another node committed; its socket changes
    // when the connection is made again.
    int polled = w_.router_monitor ? 3 : 2;
    const int cluster_item = polled;
    if (const int fd = w_.cluster ? w_.cluster->socket() : -1; fd >= 0) {
      items[polled] = {nullptr, fd, ZMQ_POLLIN, 0};
      ++polled;
    }
    try {
      zmq::poll(items, static_cast<std::size_t>(polled), std::chrono::milliseconds(20));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;  // a signal (SIGTERM) woke us: the loop below handles it
    }
    if (items[0].revents & ZMQ_POLLIN) receiveFrames();
    if (w_.router_monitor && (items[2].revents & ZMQ_POLLIN)) noteHandshakeFailures();
    while (auto e = w_.mailbox.tryTake()) handleEvent(*e);
    // Every turn, not only when the socket woke us: libpq may have read notifications already
    // while it waited for a claim's answer.
    if (w_.cluster && !draining_) {
      hearCluster(polled > cluster_item && (items[cluster_item].revents & ZMQ_POLLIN));
    }
    if (!draining_) {
      dispatcher_->pump(sessions_);
      outbox_->pump(sessions_);
    }
    for (const auto& [identity, why] : gone_) {
      brokerMetrics()
          .sessions_dropped.with({why == kSendQueueFull ? "send_queue_full" : "peer_gone"})
          .inc();
      dropSession(identity, why);
    }
    gone_.clear();

    if (w_.events) w_.events->handOver();
    if (clock_.steady() >= next_housekeeping) {
      housekeeping();
      next_housekeeping = clock_.steady() + std::chrono::milliseconds(100);
    }
    if (g_reload.exchange(false)) reload();
    if (g_stop.load() && !draining_) {
      draining_ = true;
      drain_deadline_ = clock_.steady() + c.stop_timeout;
      util::notifySystemd("STOPPING=1");
      spdlog::info("stop requested: no new submissions; finishing {} in the pipeline",
                   in_pipeline_);
    }
    if (draining_ && idle()) break;
    if (draining_ && clock_.steady() >= drain_deadline_) {
      spdlog::warn(
          "stop: the store did not take everything within {} ms ({} operations pending, {} in the "
          "pipeline); what is not settled stays in the store for the next start",
          c.stop_timeout.count(), w_.committer.pending(), in_pipeline_);
      break;
    }
  }
  drainSocket();
  w_.workers.stop();
  w_.committer.stop();
  while (auto e = w_.mailbox.tryTake()) handleEvent(*e);
  if (w_.cluster) w_.cluster->leave();
  spdlog::info("broker stopped: submitted {}, accepted {}, rejected {}, delivered {}",
               counters_.submitted, counters_.accepted, counters_.rejected,
               dispatcher_->delivered());
}

bool RouterLoop::idle() const { return in_pipeline_ == 0 && w_.committer.pending() == 0; }

void RouterLoop::drainSocket() {
  const auto until = clock_.steady() + std::chrono::seconds(1);
  zmq::pollitem_t item{w_.router.handle(), 0, ZMQ_POLLIN, 0};
  while (clock_.steady() < until) {
    receiveFrames();
    // Quiet for 100 ms: clients have had the answers that tell them to stop sending.
    try {
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) == 0) break;
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
  }
}

void RouterLoop::receiveFrames() {
  for (int i = 0; i < 256; ++i) {  // then the mailbox: answers wait for nothing but the disk
    auto frames = wire::receive(w_.router, zmq::recv_flags::dontwait);
    if (!frames) return;
    std::string identity(wire::view(frames->front()));
    std::string user_id, curve_key;
    if (frames->size() > 1) {
      // zmq_msg_gets: cppzmq's gets() throws when the property is absent (insecure mode).
      if (const char* u = zmq_msg_gets((*frames)[1].handle(), "User-Id")) user_id = u;
      if (const char* k = zmq_msg_gets((*frames)[1].handle(), ZapHandler::kCurveKeyProperty))
        curve_key = k;
    }
    frames->erase(frames->begin());
    auto decoded = wire::decode(std::move(*frames));
    if (!decoded) {
      ++counters_.errors;
      const auto s = sessions_.find(identity);
      spdlog::warn("bad frame from connection {}: {}",
                   s != sessions_.end() ? s->second.participant : "(no HELLO)",
                   decoded.rejection().toString());
      error(identity, 0, decoded.rejection());
      continue;
    }
    handle(std::move(identity), user_id, curve_key, std::move(*decoded));
  }
}

void RouterLoop::handle(std::string identity, const std::string& user_id,
                        const std::string& curve_key, wire::Frames f) {
  const auto command = f.envelope.command();
  if (command == v1::HELLO) return hello_->handle(identity, user_id, curve_key, f);
  auto it = sessions_.find(identity);
  if (it == sessions_.end()) {
    ++counters_.errors;
    error(identity, f.envelope.correlation_id(),
          reject(v1::NOT_REGISTERED, "send HELLO before " + v1::Command_Name(command)));
    return;
  }
  Session& s = it->second;
  // Every frame carries the key its connection authenticated with: a connection that presents
  // another session's routing id (reconnecting with a victim's id after it dropped) is not
  // that session, and the session it tried to take over is closed.
  if (w_.runtime.secure() && (user_id != s.participant || curve_key != s.curve_key)) {
    ++counters_.errors;
    spdlog::warn(
        "a connection of {} presented the routing id of {}'s session {}: that session is closed",
        user_id.empty() ? "(unknown)" : user_id, s.participant, s.session_id);
    error(identity, f.envelope.correlation_id(),
          reject(v1::IDENTITY_MISMATCH,
                 "this routing id belongs to another participant's session; say HELLO"));
    brokerMetrics().sessions_dropped.with({"routing_id_taken"}).inc();
    dropSession(identity, "another connection presented its routing id");
    return;
  }
  s.last_seen = clock_.steady();
  switch (command) {
    case v1::SUBMIT:
      return submit_->handle(s, f);
    case v1::ACK:
      return acks_->ack(s, f);
    case v1::NACK:
      return acks_->nack(s, f);
    case v1::STATUS:
      return status_->handle(s, f);
    case v1::HEARTBEAT:
      send(identity, wire::makeEnvelope(v1::HEARTBEAT, f.envelope.correlation_id()));
      return;
    case v1::BYE:
      return dropSession(identity, "said BYE", false);
    default:
      ++counters_.errors;
      error(identity, f.envelope.correlation_id(),
            reject(v1::UNKNOWN_COMMAND,
                   "command " + std::to_string(command) + " is not one a client may send"));
      return;
  }
}

void RouterLoop::handleEvent(Event& event) {
  for (Refusal& r : event.refused) outcomes_handler_->refused(r);
  if (event.commit) outcomes_handler_->committed(*event.commit);
  if (event.admin) dead_letters_->request(std::move(event.admin));
}

void RouterLoop::reload() {
  if (!w_.runtime.reload()) return;
  if (!w_.runtime.secure()) return;
  const auto registry = w_.runtime.participants().get();
  const auto trust = w_.runtime.trust().get();
  std::vector<std::string> removed;
  for (const auto& [identity, session] : sessions_) {
    const Participant* p = registry->byId(session.participant);
    // Removed, its key replaced (rotated after a leak), disabled, or its certificate revoked by
    // the new CRLs: the connection must go.
    if (p == nullptr || p->curve_public_key != session.curve_key || p->role != session.role ||
        registry->refusal(*p, trust.get())) {
      removed.push_back(identity);
    }
  }
  for (const auto& identity : removed) {
    dropSession(identity,
                "participant removed from the registry, its key or role changed, disabled, or its "
                "certificate no longer valid");
  }
}

void RouterLoop::logStats() {
  const auto now = clock_.steady();
  if (now < next_stats_) return;
  next_stats_ = now + std::chrono::seconds(10);
  if (counters_.commits == 0) return;
  spdlog::info(
      "store: {} commits, {:.1f} operations each, {:.2f} ms average, {:.2f} ms max "
      "(last 10 s); totals: submitted {}, accepted {}, rejected {}, delivered {}",
      counters_.commits,
      static_cast<double>(counters_.committed_ops) / static_cast<double>(counters_.commits),
      static_cast<double>(counters_.commit_micros) / 1000.0 /
          static_cast<double>(counters_.commits),
      static_cast<double>(counters_.max_commit_micros) / 1000.0, counters_.submitted,
      counters_.accepted, counters_.rejected, dispatcher_->delivered());
  counters_.commits = counters_.committed_ops = 0;
  counters_.commit_micros = counters_.max_commit_micros = 0;
}

void RouterLoop::noteHandshakeFailures() {
  while (auto e = w_.router_monitor->next()) {
    const bool plain = e->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                       e->value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH;
    // ZeroMQ names the listening endpoint here, not the client's address.
    w_.refusals.note(
        plain ? HandshakeRefusals::kNotCurve : HandshakeRefusals::kCurveFailed,
        "a client on " + e->address,
        plain ? std::string("it does not use CURVE (a client needs --key and --server-key)")
              : "its CURVE handshake failed (" + wire::SocketMonitor::describeFailure(*e) +
                    "; it may hold a wrong broker public key)");
  }
}

void RouterLoop::housekeeping() {
  const auto now = clock_.steady();
  logStats();
  w_.refusals.summarize();
  if (now >= next_overview_) {
    overview_->publish();
    next_overview_ = now + std::chrono::milliseconds(250);
  }
  dispatcher_->expire(sessions_);
  if (!draining_) retention_->tick();
  if (w_.cluster) clusterHousekeeping(now);
  std::vector<std::string> silent;
  for (const auto& [identity, s] : sessions_) {
    if (now - s.last_seen > w_.runtime.config().session.timeout) silent.push_back(identity);
  }
  for (const std::string& identity : silent) dropSession(identity, "heartbeat timeout");
}

void RouterLoop::hearCluster(bool readable) {
  ClusterNews news = w_.cluster->news(readable);
  dispatcher_->hear(news.queues);
  outbox_->hear(news.portals);
  if (news.lost) {
    dispatcher_->lookAgain();
    outbox_->lookAgain();
  }
}

std::vector<ClusterNode> RouterLoop::clusterNodes() {
  if (!w_.cluster) return {};
  // An operator asking sees a node that joined a moment ago; the store failing, the last view.
  if (auto nodes = w_.cluster->nodes()) nodes_ = std::move(*nodes);
  return nodes_;
}

void RouterLoop::clusterHousekeeping(util::SteadyTime now) {
  const StoreConfig& c = w_.runtime.config().store;
  if (now >= next_heartbeat_) {
    next_heartbeat_ = now + c.lease / 3;
    // An idle node learns of an outage here, not only from a failed commit: /readyz says it.
    if (auto failed = w_.cluster->heartbeat(dispatcher_->held())) {
      if (counters_.store_ok) {
        spdlog::error("cluster node {}: leases not renewed (will retry): {}", w_.cluster->node(),
                      failed->detail);
      }
      counters_.store_ok = false;
    } else {
      if (counters_.commit_failures == 0) counters_.store_ok = true;
      if (auto nodes = w_.cluster->nodes()) nodes_ = std::move(*nodes);
    }
  }
  if (now < next_cluster_poll_) return;
  next_cluster_poll_ = now + c.poll;
  dispatcher_->lookAgain();
  outbox_->lookAgain();
  // Other nodes take and settle messages too: the counts are the cluster's, from the store.
  if (auto counts = reader_->queueCounts()) dispatcher_->resync(*counts);
  if (auto pending = reader_->pendingReceipts()) outbox_->resync(*pending);
}

void RouterLoop::dropSession(const std::string& identity, const char* why, bool count_attempt) {
  auto it = sessions_.find(identity);
  if (it == sessions_.end()) return;
  spdlog::info("session {} of {} closed: {} ({} deliveries and {} receipts go back)",
               it->second.session_id, it->second.participant, why, it->second.deliveries.size(),
               it->second.receipts.size());
  dispatcher_->detach(it->second, count_attempt);
  limiter_.forget(identity);
  outbox_->detach(it->second);
  sessions_.erase(it);
}

bool RouterLoop::send(const std::string& identity, const v1::Envelope& e,
                      std::span<zmq::message_t> payloads) {
  zmq::message_t id(identity.data(), identity.size());
  const wire::Sent sent = wire::send(w_.router, &id, e, payloads);
  if (sent == wire::Sent::kYes) return true;
  // A session is closed after the loop turn: the caller may still be using it.
  if (sessions_.count(identity) > 0) {
    gone_.emplace_back(identity, sent == wire::Sent::kFull ? kSendQueueFull : kPeerGone);
  }
  return false;
}

void RouterLoop::flow(const std::string& uuid, const char* event, std::string detail,
                      const std::string& participant, const std::string& queue) {
  if (w_.events && w_.events->wanted()) {
    w_.events->publish(clock_.wallMillis(), uuid, event, std::move(detail), participant, queue);
  }
}

bool RouterLoop::sendDeliver(Session& s, const QueuedMessage& m) {
  auto e = wire::makeEnvelope(v1::DELIVER);
  v1::Deliver* d = e.mutable_deliver();
  d->set_delivery_id(m.id);
  d->set_message_uuid(m.uuid);
  d->set_message_type(m.message_type);
  d->set_author(m.author);
  d->set_reader(m.reader);
  d->set_queue(m.queue);
  d->set_attempt(m.attempts + 1);
  d->set_received_at_ms(m.received_at_ms);
  flow(m.uuid, "delivering", "attempt " + std::to_string(m.attempts + 1), s.participant, m.queue);
  // Frame 2 the document as delivered; frame 3, when the broker re-signed or translated it,
  // the author's signed original, so the back-end can check both signatures.
  zmq::message_t frames[2] = {sharedFrame(m.payload), {}};
  std::size_t n = 1;
  if (m.original) frames[n++] = sharedFrame(m.original);
  return send(s.identity, e, std::span<zmq::message_t>(frames, n));
}

bool RouterLoop::sendReceipt(Session& s, const ReceiptRecord& r) {
  auto e = wire::makeEnvelope(v1::RECEIPT);
  v1::Receipt* rc = e.mutable_receipt();
  rc->set_receipt_id(r.id);
  rc->set_message_uuid(r.message_uuid);
  rc->set_message_type(r.message_type);
  rc->set_outcome(r.outcome == MessageState::kDelivered    ? v1::DELIVERED
                  : r.outcome == MessageState::kDeadLetter ? v1::UNDELIVERABLE
                                                           : v1::REJECTED);
  rc->set_reason(r.reason);
  rc->set_detail(r.detail);
  rc->set_receiver(r.receiver);
  rc->set_at_ms(r.at_ms);
  flow(r.message_uuid, "receipt_sent", v1::ReceiptOutcome_Name(rc->outcome()), s.participant);
  // The Quittung as frame 2, signed when the broker has a key: proof of the outcome.
  std::string doc = receiptDocument(r);
  if (const auto& signer = w_.runtime.signer()) {
    auto signed_doc = signedReceiptDocument(r, *signer);
    if (!signed_doc) {
      // Never unsigned: the receipt stays pending, the operator is told (once a minute).
      brokerMetrics().receipt_signing_failures.with({}).inc();
      const auto now = clock_.steady();
      if (now >= next_signing_alarm_) {
        spdlog::error("receipt for message {} cannot be signed and is held back: {}",
                      r.message_uuid, signed_doc.rejection().toString());
        next_signing_alarm_ = now + std::chrono::minutes(1);
      }
      return false;
    }
    doc = std::move(*signed_doc);
  }
  zmq::message_t frame(doc.data(), doc.size());
  return send(s.identity, e, std::span<zmq::message_t>(&frame, 1));
}

}  // namespace ozgbus::broker
