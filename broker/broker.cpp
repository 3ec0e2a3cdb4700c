#include "broker/broker.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <fstream>
#include <tuple>

#include "broker/monitoring/flow_events.h"
#include "broker/monitoring/http_server.h"
#include "broker/pipeline/worker_pool.h"
#include "broker/runtime/runtime.h"
#include "broker/security/handshake_refusals.h"
#include "broker/security/zap_handler.h"
#include "broker/store/group_committer.h"
#include "broker/store/open_store.h"
#include "broker/transport/router_loop.h"
#include "core/util/file_lock.h"
#include "core/wire/curve_keys.h"

namespace ozgbus::broker {

// Declared in dependency order: members are destroyed in reverse, so what depends on a part
// goes before it (the HTTP endpoint first, its handlers may wait for the loop; the zmq context
// last).
struct Broker::Parts {
  explicit Parts(const util::Clock& c) : clock(c), refusals(c) {}

  const util::Clock& clock;
  zmq::context_t ctx{1};
  std::unique_ptr<Runtime> runtime;
  HandshakeRefusals refusals;
  std::unique_ptr<ZapHandler> zap;  // null when insecure; bound before the ROUTER binds
  zmq::socket_t router{ctx, zmq::socket_type::router};
  std::unique_ptr<wire::SocketMonitor> router_monitor;
  std::string curve_secret;  // the broker's CURVE secret key, for the events socket too
  std::unique_ptr<util::FileLock> store_lock;  // one broker per store
  std::unique_ptr<Store> store;
  std::unique_ptr<ClusterLink> cluster;  // null unless [cluster] node
  std::unique_ptr<EventMailbox> mailbox;
  std::unique_ptr<GroupCommitter> committer;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<FlowEvents> events;  // null when [events] publish = ""
  CurrentOverview overview;
  std::unique_ptr<RouterLoop> loop;
  std::unique_ptr<EventMailbox::Poster> admin_poster;  // the HTTP threads', under admin_mu
  std::mutex admin_mu;
  std::unique_ptr<AdminHttp> http;

  std::optional<Rejection> secureRouter();
  std::optional<Rejection> startHttp();
  AdminAnswer askLoop(AdminRequest::Kind kind, std::uint64_t id);  // from the HTTP threads
};

Broker::Broker() = default;
Broker::~Broker() = default;

void Broker::requestStop() { RouterLoop::requestStop(); }
void Broker::requestReload() { RouterLoop::requestReload(); }

std::string Broker::endpoint() const { return p_->router.get(zmq::sockopt::last_endpoint); }

std::optional<Rejection> Broker::Parts::secureRouter() {
  const BrokerConfig& c = runtime->config();
  if (c.insecure) {
    spdlog::warn(
        "INSECURE MODE: CURVE is off. Anyone who reaches {} can connect and say HELLO "
        "as any participant. For local development only (broker.insecure = true).",
        c.listen);
    return std::nullopt;
  }
  auto keys = wire::loadCurveKeys(c.curve_secret_key_file);
  if (!keys) return keys.rejection();
  if (keys->secret_key.empty()) {
    return reject(v1::UNAUTHENTICATED, c.curve_secret_key_file.string() + " holds no secret key");
  }
  zap = std::make_unique<ZapHandler>(ctx, runtime->participants(), runtime->trust(), refusals);
  // ZAP sees only CURVE clients; a client without CURVE fails before it, seen here.
  router_monitor = std::make_unique<wire::SocketMonitor>(
      ctx, router, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
  router.set(zmq::sockopt::zap_domain, "ozgbus");
  router.set(zmq::sockopt::curve_server, 1);
  router.set(zmq::sockopt::curve_secretkey, keys->secret_key);
  curve_secret = keys->secret_key;
  spdlog::info("CURVE on; {} participants registered; broker public key {}", c.participants.size(),
               keys->public_key);
  return std::nullopt;
}

AdminAnswer Broker::Parts::askLoop(AdminRequest::Kind kind, std::uint64_t id) {
  auto request = std::make_unique<AdminRequest>();
  request->kind = kind;
  request->id = id;
  request->by = "operator (HTTP)";
  auto answer = request->answer.get_future();
  {
    std::lock_guard lock(admin_mu);  // httplib runs handlers on several threads
    auto e = std::make_unique<Event>();
    e->admin = std::move(request);
    admin_poster->post(std::move(e));
  }
  if (answer.wait_for(std::chrono::seconds(15)) != std::future_status::ready) {
    return {503, "the broker did not answer within 15 s"};
  }
  return answer.get();
}

namespace {

// The file holds the token alone (a trailing newline is allowed); an empty or unreadable file
// is an error at start, never an admin API without a token.
Result<std::string> readAdminToken(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return reject(v1::REASON_UNSPECIFIED,
                  "http.admin_token_file: '" + file.string() + "' cannot be read");
  }
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.size() < 16) {
    return reject(v1::REASON_UNSPECIFIED, "http.admin_token_file: '" + file.string() +
                                              "' must hold a token of at least 16 characters");
  }
  std::error_code ec;
  const auto perms = std::filesystem::status(file, ec).permissions();
  if (!ec && (perms & std::filesystem::perms::others_read) != std::filesystem::perms::none) {
    spdlog::warn("http.admin_token_file: '{}' is readable by every user (chmod 600 it)",
                 file.string());
  }
  return token;
}

std::pair<std::string, int> splitHostPort(const std::string& s) {
  const auto colon = s.rfind(':');
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return {host, std::stoi(s.substr(colon + 1))};
}

}  // namespace

std::optional<Rejection> Broker::Parts::startHttp() {
  const BrokerConfig& c = runtime->config();
  if (c.http_listen.empty() && c.http_probe_listen.empty()) return std::nullopt;
  OverviewPublisher::registerGauges(overview);
  admin_poster = mailbox->poster();
  AdminHttpOptions o;
  if (!c.http_listen.empty())
    std::tie(o.host, o.port) = splitHostPort(c.http_listen);
  else
    o.port = -1;
  if (!c.http_probe_listen.empty()) {
    std::tie(o.probe_host, o.probe_port) = splitHostPort(c.http_probe_listen);
  }
  o.dashboard_dir = c.dashboard_dir;
  o.reader = [s = store.get()] { return s->reader(); };
  o.retain_days = c.store.retain_days;
  if (!c.http_admin_token_file.empty()) {
    auto token = readAdminToken(c.http_admin_token_file);
    if (!token) return token.rejection();
    o.admin_token = std::move(*token);
  }
  auto h = AdminHttp::start(
      o, overview, [this](AdminRequest::Kind k, std::uint64_t id) { return askLoop(k, id); });
  if (!h) return h.rejection();
  http = std::move(*h);
  if (http->port() > 0) {
    spdlog::info("operators: dashboard and admin API on http://{}:{}/{}",
                 c.http_listen.substr(0, c.http_listen.rfind(':')), http->port(),
                 o.admin_token.empty() ? "" : " (bearer token required)");
  }
  if (http->probePort() > 0) {
    spdlog::info("operators: /healthz, /readyz and /metrics also on http://{}:{}/",
                 c.http_probe_listen.substr(0, c.http_probe_listen.rfind(':')), http->probePort());
  }
  return std::nullopt;
}

Result<std::unique_ptr<Broker>> Broker::create(BrokerConfig config, const util::Clock& clock) {
  std::unique_ptr<Broker> b(new Broker());
  b->p_ = std::make_unique<Parts>(clock);
  Parts& p = *b->p_;
  auto runtime = Runtime::load(std::move(config));
  if (!runtime) return runtime.rejection();
  p.runtime = std::move(*runtime);
  const BrokerConfig& c = p.runtime->config();
  if (auto failed = p.secureRouter()) return *failed;

  auto opened = openConfiguredStore(c.store);
  if (!opened) return opened.rejection();
  p.store_lock = std::move(opened->lock);
  p.store = std::move(opened->store);
  auto cluster = openClusterLink(c.store, c.listen);
  if (!cluster) return cluster.rejection();
  p.cluster = std::move(*cluster);

  p.mailbox = std::make_unique<EventMailbox>(
      p.ctx, "inproc://ozgbus-mailbox-" + std::to_string(reinterpret_cast<std::uintptr_t>(&p)));
  std::shared_ptr<EventMailbox::Poster> committed = p.mailbox->poster();
  p.committer = std::make_unique<GroupCommitter>(
      *p.store, c.store.batch_max, [committed](CommitOutcome&& outcome) {
        auto e = std::make_unique<Event>();
        e->commit = std::make_unique<CommitOutcome>(std::move(outcome));
        committed->post(std::move(e));
      });
  std::vector<WorkerPool::Refused> refused;
  for (unsigned i = 0; i < c.workers; ++i) {
    std::shared_ptr<EventMailbox::Poster> poster = p.mailbox->poster();
    refused.emplace_back([poster](Refusal r) {
      auto e = std::make_unique<Event>();
      e->refused.push_back(std::move(r));
      poster->post(std::move(e));
    });
  }
  auto workers = WorkerPool::start(c.stages, StageContext{*p.runtime, *p.committer, clock},
                                   std::move(refused));
  if (!workers) return workers.rejection();
  p.workers = std::move(*workers);

  auto events = FlowEvents::open(p.ctx, c.events_publish, p.curve_secret);
  if (!events) return events.rejection();
  p.events = std::move(*events);
  if (p.events) spdlog::info("flow events published on {}", p.events->endpoint());

  auto loop = RouterLoop::create(RouterLoop::Wiring{
      p.router, p.router_monitor.get(), p.refusals, *p.runtime, *p.store, *p.committer, *p.workers,
      *p.mailbox, p.events.get(), p.overview, clock, p.cluster.get()});
  if (!loop) return loop.rejection();
  p.loop = std::move(*loop);
  if (auto failed = p.startHttp()) return *failed;
  p.router.set(zmq::sockopt::router_mandatory, 1);
  // Bounded both ways: a client that never reads is dropped when its queue is full; a frame
  // larger than a document may be is not even read (the connection is closed); what a client
  // sends faster than the broker reads waits in its own socket.
  p.router.set(zmq::sockopt::sndhwm, static_cast<int>(c.submit.send_queue));
  p.router.set(zmq::sockopt::rcvhwm, 1000);
  // Up to max_message_bytes more (1 MiB at least) is still read and answered TOO_LARGE.
  const std::size_t frame_limit =
      c.limits.max_bytes + std::max<std::size_t>(c.limits.max_bytes, 1 << 20);
  p.router.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(frame_limit));
  p.router.set(zmq::sockopt::linger, 2000);
  try {
    p.router.bind(c.listen);
  } catch (const zmq::error_t& e) {
    return reject(v1::INTERNAL, "cannot listen on " + c.listen + ": " + e.what());
  }
  return b;
}

void Broker::run() { p_->loop->run(); }

}  // namespace ozgbus::broker
