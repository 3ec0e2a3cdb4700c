#include "broker/transport/server.h"

#include "broker/delivery/receipt_document.h"

#include <spdlog/spdlog.h>

#include <csignal>

#include "broker/store/sqlite_store.h"
#include "broker/util/systemd_notify.h"
#include "core/dsig/signing_certificate.h"
#include "core/wire/curve_keys.h"

namespace ozgbus::broker {
namespace {

// Participants whose certificate_issuer is the subject of no certificate in the trust store:
// every message they sign would be refused. Empty when there are none.
std::string unknownIssuers(const std::vector<Participant>& participants, const dsig::TrustStore& trust) {
  std::string out;
  for (const Participant& p : participants) {
    if (p.certificate_issuer.empty() || trust.hasCertificateWithSubject(p.certificate_issuer)) continue;
    out += (out.empty() ? "" : "; ") + std::string("participant ") + p.id + ": certificate_issuer '" +
           p.certificate_issuer + "' is the subject of no CA certificate in the trust store";
  }
  return out;
}

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

schema::SchemaSetSpec specOf(const SchemaConfig& c) { return {c.catalogs, c.namespaces}; }

}  // namespace

void Server::requestStop() { g_stop.store(true); }
void Server::requestReload() { g_reload.store(true); }

void Server::reload() {
  // ozgbus.toml is read again: [schemas] and [[participants]] may have changed.
  auto file = loadConfig(config_.source);
  if (!file) {
    spdlog::error("reload failed; the previous configuration stays in force: {}",
                  file.rejection().detail);
    return;
  }
  auto registry = std::make_shared<const ParticipantRegistry>(file->participants);
  participants_.replace(registry);
  spdlog::info("participant registry reloaded: {} participants", registry->size());
  if (zap_) {
    std::vector<std::string> removed;
    for (const auto& [identity, session] : sessions_) {
      const Participant* p = registry->byId(session.participant);
      // Removed, or its key replaced (rotated after a leak): the connection must go.
      if (p == nullptr || p->curve_public_key != session.curve_key || p->role != session.role) {
        removed.push_back(identity);
      }
    }
    for (const auto& identity : removed) {
      dropSession(identity, "participant removed from the registry, or its key or role changed");
    }
  }
  if (!file->signatures.trust.empty()) {
    // A broken trust store (a CRL that fails to parse, say) leaves the old one in force.
    if (auto trust = dsig::TrustStore::load(file->signatures.trust)) {
      trust_.replace(std::move(*trust));
      spdlog::info("trust store reloaded: {} CA certificates, {} CRLs", trust_.get()->certificates(),
                   trust_.get()->crls());
      if (const std::string unknown = unknownIssuers(file->participants, *trust_.get()); !unknown.empty()) {
        spdlog::error("after the reload: {}", unknown);
      }
    } else {
      spdlog::error("trust store reload failed; the previous one stays in force: {}",
                    trust.rejection().detail);
    }
  }
  if (!file->adapter_folders.empty()) {
    // Atomically: a broken adapter leaves the whole previous set in force.
    if (auto adapters = loadAdapters(*file)) {
      adapters_.replace(std::move(*adapters));
    } else {
      spdlog::error("adapter reload failed; the previous adapters stay in force: {}",
                    adapters.rejection().detail);
    }
  }
  auto fresh = schema::SchemaRegistry::load(specOf(file->schemas));
  if (!fresh) {
    spdlog::error("schema reload failed; the previous schema set stays in force: {}",
                  fresh.rejection().detail);
    return;
  }
  schemas_.replace(std::move(*fresh));
  config_.schemas = file->schemas;
  spdlog::info("schemas reloaded: {} namespaces", config_.schemas.namespaces.size());
}

Result<std::shared_ptr<const AdapterSet>> Server::loadAdapters(const BrokerConfig& c) {
  auto set = AdapterSet::load(c.adapter_folders);
  if (!set) return set.rejection();
  // Every output must be checkable before it is delivered.
  for (const Adapter& a : (*set)->adapters()) {
    for (const CompiledMapping& m : a.mappings) {
      if (std::find(c.schemas.namespaces.begin(), c.schemas.namespaces.end(), m.spec.output) ==
          c.schemas.namespaces.end()) {
        return reject(v1::NO_ADAPTER_MAPPING, "adapter '" + a.manifest.name + "' gives " + m.spec.output +
                                                  ", which is not in [schemas] namespaces");
      }
    }
    spdlog::info("adapter '{}' (ARS {}): {}", a.manifest.name,
                 a.manifest.ars_prefixes.empty() ? "-" : fmt::format("{}", fmt::join(a.manifest.ars_prefixes, ", ")),
                 a.describeMappings());
  }
  return set;
}

Server::Server(BrokerConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      routes_(config_.routes),
      participants_(std::make_shared<const ParticipantRegistry>(config_.participants)),
      router_(ctx_, zmq::socket_type::router) {}

Server::~Server() {
  http_.reset();  // its handlers may be waiting for this thread
  admin_poster_.reset();  // sockets: closed before the context they belong to
  events_.reset();  // sends what is pending
  for (auto& [key, p] : pending_admin_) p.request->answer.set_value({503, "the broker is stopping"});
  if (workers_) workers_->stop();
  if (committer_) committer_->stop();
}

Result<std::unique_ptr<Server>> Server::create(BrokerConfig config, const Clock& clock) {
  std::unique_ptr<Server> s(new Server(std::move(config), clock));
  const BrokerConfig& c = s->config_;

  s->refusals_ = std::make_unique<HandshakeRefusals>(clock);
  if (!c.schemas.namespaces.empty()) {
    auto schemas = schema::SchemaRegistry::load(specOf(c.schemas));
    if (!schemas) return schemas.rejection();
    s->schemas_.replace(std::move(*schemas));
  }
  // Before the workers: the header stage checks authors and services against the registry.
  if (c.insecure) {
    spdlog::warn("INSECURE MODE: CURVE is off. Anyone who reaches {} can connect and say HELLO "
                 "as any participant. For local development only (broker.insecure = true).",
                 c.listen);
  } else {
    auto keys = wire::loadCurveKeys(c.curve_secret_key_file);
    if (!keys) return keys.rejection();
    if (keys->secret_key.empty()) {
      return reject(v1::UNAUTHENTICATED, c.curve_secret_key_file.string() + " holds no secret key");
    }
    s->zap_ = std::make_unique<ZapHandler>(s->ctx_, s->participants_, *s->refusals_);
    // ZAP sees only CURVE clients; a client without CURVE fails before it, seen here.
    s->router_monitor_ = std::make_unique<wire::SocketMonitor>(
        s->ctx_, s->router_, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    s->router_.set(zmq::sockopt::zap_domain, "ozgbus");
    s->router_.set(zmq::sockopt::curve_server, 1);
    s->router_.set(zmq::sockopt::curve_secretkey, keys->secret_key);
    s->curve_secret_ = keys->secret_key;
    spdlog::info("CURVE on; {} participants registered; broker public key {}",
                 c.participants.size(), keys->public_key);
  }
  if (!c.signatures.trust.empty()) {
    auto trust = dsig::TrustStore::load(c.signatures.trust);
    if (!trust) return trust.rejection();
    if ((*trust)->crls() == 0) {
      spdlog::warn("trust store has no CRL: revoked certificates will be accepted");
    }
    spdlog::info("trust store: {} CA certificates, {} CRLs", (*trust)->certificates(),
                 (*trust)->crls());
    if (const std::string unknown = unknownIssuers(c.participants, **trust); !unknown.empty()) {
      return reject(v1::CERT_UNTRUSTED, unknown);
    }
    s->trust_.replace(std::move(*trust));
  }
  if (!c.adapter_folders.empty()) {
    auto adapters = loadAdapters(c);
    if (!adapters) return adapters.rejection();
    s->adapters_.replace(std::move(*adapters));
  }
  if (!c.signatures.key.empty()) {
    auto signer = dsig::Signer::load(c.signatures.key, c.signatures.certificate);
    if (!signer) return signer.rejection();
    // Back-ends hold the broker's signatures to the same rules the broker holds portals to.
    if (auto unfit = dsig::checkSigningCertificateFile(c.signatures.certificate)) {
      return reject(unfit->reason, "signatures.certificate: " + unfit->detail);
    }
    s->signer_ = std::move(*signer);
    spdlog::info("broker signs as '{}' ({})", s->signer_->subject(),
                 s->signer_->ecdsa() ? "ECDSA P-256" : "RSA");
  }
  s->limiter_ = std::make_unique<SubmitLimiter>(c.submit);
  auto store = SqliteStore::open(c.store.path, c.store.fsync);
  if (!store) return store.rejection();
  s->store_ = std::move(*store);

  s->mailbox_ = std::make_unique<Mailbox>(
      s->ctx_, "inproc://ozgbus-mailbox-" + std::to_string(reinterpret_cast<std::uintptr_t>(s.get())));
  // Every settle goes through here on its way to the store: the moment to tell the event stream.
  auto write = [raw = s.get()](StoreOp op) {
    const auto* st = std::get_if<SettleOp>(&op);
    const auto* at = std::get_if<AttemptOp>(&op);
    if (st && raw->watched()) {
      const char* event = st->state == MessageState::kDelivered  ? "delivered"
                          : st->state == MessageState::kRejected ? "rejected_by_receiver"
                                                                 : "dead_lettered";
      raw->flow(st->message_uuid, event, st->detail, st->receiver);
    } else if (at && raw->watched()) {
      raw->flow("", "delivery_failed", "message id " + std::to_string(at->id) + ", attempt " +
                                           std::to_string(at->attempts) + ": " + at->note);
    }
    raw->committer_->enqueue(std::move(op));
  };
  s->dispatcher_ = std::make_unique<Dispatcher>(
      c.delivery, *s->store_, clock,
      [raw = s.get()](Session& session, const QueuedMessage& m) { return raw->sendDeliver(session, m); },
      write);
  s->outbox_ = std::make_unique<ReceiptOutbox>(
      c.delivery, *s->store_, clock,
      [raw = s.get()](Session& session, const ReceiptRecord& r) { return raw->sendReceipt(session, r); },
      write);
  s->dispatcher_->restore(s->store_->queueCounts());
  s->outbox_->restore(s->store_->pendingReceipts());

  std::shared_ptr<MailboxPoster> poster = s->mailbox_->poster();
  s->committer_ = std::make_unique<GroupCommitter>(
      *s->store_, c.store.batch_max, [poster](CommitOutcome&& outcome) {
        auto e = std::make_unique<Event>();
        e->commit = std::make_unique<CommitOutcome>(std::move(outcome));
        poster->post(std::move(e));
      });
  auto workers = WorkerPool::start(c.workers, StageContext{c, s->routes_, *s->committer_, s->schemas_, s->participants_, !c.insecure, s->trust_, s->signer_, s->adapters_, clock},
                                   *s->mailbox_);
  if (!workers) return workers.rejection();
  s->workers_ = std::move(*workers);

  auto events = FlowEvents::open(s->ctx_, c.events_publish, s->curve_secret_);
  if (!events) return events.rejection();
  s->events_ = std::move(*events);
  if (s->events_) spdlog::info("flow events published on {}", s->events_->endpoint());
  s->started_at_ms_ = clock.wallMillis();
  s->next_purge_ = clock.steady() + std::min<std::chrono::milliseconds>(std::chrono::seconds(10),
                                                                       c.store.retention_interval);
  s->publishOverview();
  if (!c.http_listen.empty()) {
    s->registerStateGauges();
    s->admin_poster_ = s->mailbox_->poster();
    const auto colon = c.http_listen.rfind(':');
    AdminHttpOptions o{c.http_listen.substr(0, colon), std::stoi(c.http_listen.substr(colon + 1)),
                       c.dashboard_dir, c.store.path,
                       [store = s->store_.get()](std::string_view uuid) { return store->candidatesFor(uuid); },
                       c.store.retain_days};
    auto http = AdminHttp::start(o, s->overview_, [raw = s.get()](AdminRequest::Kind k, std::uint64_t id) {
      return raw->askTransport(k, id);
    });
    if (!http) return http.rejection();
    s->http_ = std::move(*http);
    spdlog::info("operators: dashboard and admin API on http://{}:{}/, metrics on /metrics", o.host,
                 s->http_->port());
  }
  s->router_.set(zmq::sockopt::router_mandatory, 1);
  s->router_.set(zmq::sockopt::sndhwm, 0);
  s->router_.set(zmq::sockopt::rcvhwm, 100000);
  s->router_.set(zmq::sockopt::linger, 2000);
  try {
    s->router_.bind(c.listen);
  } catch (const zmq::error_t& e) {
    return reject(v1::INTERNAL, "cannot listen on " + c.listen + ": " + e.what());
  }
  return s;
}

std::string Server::endpoint() const { return router_.get(zmq::sockopt::last_endpoint); }

void Server::run() {
  spdlog::info("ozgbus broker listening on {} (store {}, {} workers, stages: {})", endpoint(),
               config_.store.path.string(), config_.workers, fmt::join(config_.stages, " > "));
  zmq::pollitem_t items[] = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                             {mailbox_->socket().handle(), 0, ZMQ_POLLIN, 0},
                             {router_monitor_ ? router_monitor_->socket().handle() : nullptr, 0, ZMQ_POLLIN, 0}};
  const int polled = router_monitor_ ? 3 : 2;
  auto next_housekeeping = clock_.steady();
  for (;;) {
    try {
      zmq::poll(items, polled, std::chrono::milliseconds(20));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;  // a signal (SIGTERM) woke us: the loop below handles it
    }
    if (items[0].revents & ZMQ_POLLIN) receiveFrames();
    if (items[2].revents & ZMQ_POLLIN) noteHandshakeFailures();
    while (auto e = mailbox_->tryTake()) handleEvent(*e);
    if (!draining_) {
      dispatcher_->pump(sessions_);
      outbox_->pump(sessions_);
    }
    for (const std::string& identity : gone_) dropSession(identity, "peer unreachable");
    gone_.clear();

    const auto now = clock_.steady();
    if (events_) events_->handOver();
    if (now >= next_housekeeping) {
      housekeeping(now);
      next_housekeeping = now + std::chrono::milliseconds(100);
    }
    if (g_reload.exchange(false)) reload();
    if (g_stop.load() && !draining_) {
      draining_ = true;
      notifySystemd("STOPPING=1");
      spdlog::info("stop requested: no new submissions; finishing {} in the pipeline", in_pipeline_);
    }
    if (draining_ && idle()) break;
  }
  receiveFrames();  // what arrived meanwhile gets SHUTTING_DOWN rather than silence
  workers_->stop();
  committer_->stop();
  while (auto e = mailbox_->tryTake()) handleEvent(*e);
  spdlog::info("broker stopped: submitted {}, accepted {}, rejected {}, delivered {}",
               counters_.submitted, counters_.accepted, counters_.rejected,
               dispatcher_->delivered());
}

bool Server::idle() const { return in_pipeline_ == 0 && committer_->pending() == 0; }

void Server::receiveFrames() {
  for (int i = 0; i < 256; ++i) {  // then the mailbox: answers wait for nothing but the disk
    auto frames = wire::receive(router_, zmq::recv_flags::dontwait);
    if (!frames) return;
    std::string identity(wire::view(frames->front()));
    std::string user_id, curve_key;
    if (frames->size() > 1) {
      // zmq_msg_gets: cppzmq's gets() throws when the property is absent (insecure mode).
      if (const char* u = zmq_msg_gets((*frames)[1].handle(), "User-Id")) user_id = u;
      if (const char* k = zmq_msg_gets((*frames)[1].handle(), ZapHandler::kCurveKeyProperty)) {
        curve_key = k;
      }
    }
    frames->erase(frames->begin());
    auto decoded = wire::decode(std::move(*frames));
    if (!decoded) {
      ++counters_.errors;
      spdlog::warn("bad frame from connection {}: {}", sessions_.count(identity) ? sessions_.at(identity).participant : "(no HELLO)",
                   decoded.rejection().toString());
      sendError(identity, 0, decoded.rejection());
      continue;
    }
    handle(std::move(identity), user_id, curve_key, std::move(*decoded));
  }
}

void Server::handle(std::string identity, const std::string& user_id,
                    const std::string& curve_key, wire::Frames f) {
  const auto command = f.envelope.command();
  if (command == v1::HELLO) return onHello(identity, user_id, curve_key, f);
  auto it = sessions_.find(identity);
  if (it == sessions_.end()) {
    ++counters_.errors;
    return sendError(identity, f.envelope.correlation_id(),
                     reject(v1::NOT_REGISTERED, "send HELLO before " + v1::Command_Name(command)));
  }
  Session& s = it->second;
  s.last_seen = clock_.steady();
  switch (command) {
    case v1::SUBMIT: return onSubmit(s, f);
    case v1::ACK: return onAck(s, f);
    case v1::NACK: return onNack(s, f);
    case v1::STATUS: return onStatus(s, f);
    case v1::HEARTBEAT:
      sendTo(identity, wire::makeEnvelope(v1::HEARTBEAT, f.envelope.correlation_id()));
      return;
    case v1::BYE: return dropSession(identity, "said BYE", false);
    default:
      ++counters_.errors;
      return sendError(identity, f.envelope.correlation_id(),
                       reject(v1::UNKNOWN_COMMAND, "command " + std::to_string(command) +
                                                       " is not one a client may send"));
  }
}

void Server::handleEvent(Event& event) {
  for (SubmitRejected& r : event.rejected) {
    --in_pipeline_;
    if (r.identity.empty()) {  // a replay: the operator gets the answer
      answerAdmin(r.correlation, 409, "replay refused by the pipeline, the message stays a dead letter: " +
                                          r.rejection.toString());
      continue;
    }
    limiter_->answered(r.identity);
    noteRejection(r.sender, r.message_uuid, r.rejection);
    spdlog::info("message {} rejected: {}", r.message_uuid.empty() ? "(no uuid)" : r.message_uuid,
                 r.rejection.toString());
    v1::SubmitResult result;
    result.set_accepted(false);
    result.set_reason(r.rejection.reason);
    result.set_detail(r.rejection.detail);
    result.set_message_uuid(r.message_uuid);
    answerSubmit(r.identity, r.correlation, result);
  }
  if (event.commit) onCommitted(*event.commit);
  if (event.admin) onAdmin(std::move(event.admin));
}

void Server::logStats(SteadyTime now) {
  if (now < next_stats_) return;
  next_stats_ = now + std::chrono::seconds(10);
  if (counters_.commits == 0) return;
  spdlog::info("store: {} commits, {:.1f} operations each, {:.2f} ms average, {:.2f} ms max "
               "(last 10 s); totals: submitted {}, accepted {}, rejected {}, delivered {}",
               counters_.commits,
               static_cast<double>(counters_.committed_ops) / static_cast<double>(counters_.commits),
               static_cast<double>(counters_.commit_micros) / 1000.0 / static_cast<double>(counters_.commits),
               static_cast<double>(counters_.max_commit_micros) / 1000.0, counters_.submitted,
               counters_.accepted, counters_.rejected, dispatcher_->delivered());
  counters_.commits = counters_.committed_ops = 0;
  counters_.commit_micros = counters_.max_commit_micros = 0;
}

void Server::noteHandshakeFailures() {
  while (auto e = router_monitor_->next()) {
    const bool plain = e->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                       e->value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH;
    // ZeroMQ names the listening endpoint here, not the client's address.
    refusals_->note(plain ? HandshakeRefusals::kNotCurve : HandshakeRefusals::kCurveFailed,
                    "a client on " + e->address,
                    plain ? std::string("it does not use CURVE (a client needs --key and --server-key)")
                          : "its CURVE handshake failed (" + wire::SocketMonitor::describeFailure(*e) +
                                "; it may hold a wrong broker public key)");
  }
}

void Server::housekeeping(SteadyTime now) {
  logStats(now);
  refusals_->summarize();
  if (now >= next_overview_) {
    publishOverview();
    next_overview_ = now + std::chrono::milliseconds(250);
  }
  dispatcher_->expire(sessions_);
  purgeIfDue(now);
  std::vector<std::string> silent;
  for (const auto& [identity, s] : sessions_) {
    if (now - s.last_seen > config_.session.timeout) silent.push_back(identity);
  }
  for (const std::string& identity : silent) dropSession(identity, "heartbeat timeout");
}

void Server::purgeIfDue(SteadyTime now) {
  if (config_.store.retain_days == 0 || purge_in_flight_ || draining_ || now < next_purge_) return;
  constexpr double kDayMs = 24.0 * 60 * 60 * 1000;
  const std::int64_t now_ms = clock_.wallMillis();
  const auto cutoff = now_ms - static_cast<std::int64_t>(config_.store.retain_days * kDayMs);
  committer_->enqueue(PurgeOp{cutoff, now_ms, purge_after_, 1000});
  purge_in_flight_ = true;
}

void Server::onPurged(std::uint64_t removed, std::uint64_t next_after, SteadyTime now) {
  purge_in_flight_ = false;
  purge_after_ = next_after;
  if (removed > 0) {
    spdlog::info("retention: removed {} settled messages received more than {:g} days ago", removed,
                 config_.store.retain_days);
  }
  next_purge_ = now + (next_after != 0 ? std::chrono::milliseconds(100) : config_.store.retention_interval);
}

void Server::dropSession(const std::string& identity, const char* why, bool count_attempt) {
  auto it = sessions_.find(identity);
  if (it == sessions_.end()) return;
  spdlog::info("session {} of {} closed: {} ({} deliveries and {} receipts go back)",
               it->second.session_id, it->second.participant, why, it->second.deliveries.size(),
               it->second.receipts.size());
  dispatcher_->detach(it->second, count_attempt);
  limiter_->forget(identity);
  outbox_->detach(it->second);
  sessions_.erase(it);
}

bool Server::sendTo(const std::string& identity, const v1::Envelope& e,
                    std::span<zmq::message_t> payloads) {
  zmq::message_t id(identity.data(), identity.size());
  if (wire::send(router_, &id, e, payloads)) return true;
  if (sessions_.count(identity) > 0) gone_.push_back(identity);
  return false;
}

zmq::message_t Server::sharedFrame(const std::shared_ptr<const std::string>& bytes) {
  // Zero-copy: the frame keeps the shared bytes alive until ZeroMQ has sent them.
  auto* keep = new std::shared_ptr<const std::string>(bytes);
  return zmq::message_t(
      const_cast<char*>((*keep)->data()), (*keep)->size(),
      [](void*, void* hint) { delete static_cast<std::shared_ptr<const std::string>*>(hint); },
      keep);
}

void Server::sendError(const std::string& identity, std::uint64_t correlation,
                       const Rejection& r) {
  auto e = wire::makeEnvelope(v1::ERROR, correlation);
  e.mutable_error()->set_reason(r.reason);
  e.mutable_error()->set_detail(r.detail);
  sendTo(identity, e);
}

bool Server::sendDeliver(Session& s, const QueuedMessage& m) {
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
  if (watched()) flow(m.uuid, "delivering", "attempt " + std::to_string(m.attempts + 1), s.participant, m.queue);
  // Frame 2 the document as delivered; frame 3, when the broker re-signed or translated it,
  // the author's signed original, so the back-end can check both signatures.
  zmq::message_t frames[2] = {sharedFrame(m.payload), {}};
  std::size_t n = 1;
  if (m.original) frames[n++] = sharedFrame(m.original);
  return sendTo(s.identity, e, std::span<zmq::message_t>(frames, n));
}

bool Server::sendReceipt(Session& s, const ReceiptRecord& r) {
  auto e = wire::makeEnvelope(v1::RECEIPT);
  v1::Receipt* rc = e.mutable_receipt();
  rc->set_receipt_id(r.id);
  rc->set_message_uuid(r.message_uuid);
  rc->set_outcome(r.outcome == MessageState::kDelivered ? v1::DELIVERED : v1::REJECTED);
  rc->set_reason(r.reason);
  rc->set_detail(r.detail);
  rc->set_receiver(r.receiver);
  rc->set_at_ms(r.at_ms);
  if (watched()) flow(r.message_uuid, "receipt_sent", v1::ReceiptOutcome_Name(rc->outcome()), s.participant);
  // The Quittung as frame 2, signed when the broker has a key: proof of the outcome.
  std::string doc = receiptDocument(r);
  if (signer_) {
    auto signed_doc = signedReceiptDocument(r, *signer_);
    if (signed_doc) {
      doc = std::move(*signed_doc);
    } else {
      spdlog::error("receipt for message {}: signing failed, sent unsigned: {}", r.message_uuid,
                    signed_doc.rejection().toString());
    }
  }
  zmq::message_t frame(doc.data(), doc.size());
  return sendTo(s.identity, e, std::span<zmq::message_t>(&frame, 1));
}

}  // namespace ozgbus::broker
