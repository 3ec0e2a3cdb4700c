// A registered participant that turns hostile: documents in encodings the prescan cannot read,
// a connection that never reads, bytes and connections beyond the broker's bounds, a routing id
// taken over, attacks on the admin endpoint, UUIDs reused across authors, control characters in
// a NACK, floods of refused handshakes, a revoked certificate. Each case checks the clear refusal
// and that the broker still serves a good message, within a client's 1 s timeout.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <zmq.hpp>

#include "client/message_template.h"
#include "core/dsig/verifier.h"
#include "core/wire/codec.h"
#include "core/wire/curve_keys.h"
#include "core/xml/secure_parser.h"
#include "tests/support/broker_process.h"
#include "tests/support/config_toml.h"
#include "tests/support/files.h"
#include "tests/support/forgeries.h"
#include "tests/support/secure_broker.h"
#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;
using testing::SecureBroker;
using testing::startFailure;
using Steady = std::chrono::steady_clock;

namespace {

const std::filesystem::path kSamples =
    std::filesystem::path(OZGBUS_SOURCE_DIR) / "samples/messages";

std::int64_t msSince(Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
}

// ---- the broker process, seen from outside ----------------------------------------------------

// A field of /proc/<pid>/status in KiB: VmRSS is the resident size now, VmHWM its peak so far.
std::uint64_t procStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  FAIL("no " << field << " in /proc/" << pid << "/status (is the broker still running?)");
  return 0;
}

std::uint64_t rssKiB(pid_t pid) { return procStatusKiB(pid, "VmRSS"); }

std::string scrapeMetrics(int port) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);
  auto r = http.Get("/metrics");
  REQUIRE_MESSAGE(r, "no answer from http://127.0.0.1:" << port << "/metrics");
  REQUIRE(r->status == 200);
  return r->body;
}

// The value of one series, named with its labels exactly as the broker renders them. A counter
// that was never incremented has no series yet: 0.
double metricValue(const std::string& page, const std::string& series) {
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

std::size_t linesWith(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

std::string signingConfig(bool with_participants = true) {
  return "[pipeline]\nstages = [\"parse\", \"verify\", \"header\", \"route\", \"sign\", "
         "\"persist\"]\n\n" +
         testing::signaturesToml(with_participants);
}

// ---- clients --------------------------------------------------------------------------------

client::Options plain(const BrokerProcess& broker, const std::string& participant, v1::Role role,
                      std::uint32_t credit = 0) {
  client::Options o{broker.endpoint(), participant, role, credit};
  o.timeout = 1000ms;
  return o;
}

std::unique_ptr<client::Client> connectOrFail(const client::Options& o) {
  auto c = client::Client::connect(o);
  REQUIRE_MESSAGE(c.ok(), "connect as " << o.participant << ": " << c.rejection().toString());
  return std::move(*c);
}

// `portal` (a client with a 1 s timeout) submits a good document and it is ACCEPTED in time.
void acceptsGoodMessage(client::Client& portal, const std::string& doc = testing::sampleMessage()) {
  const auto start = Steady::now();
  auto r = portal.submit(doc);
  const std::int64_t took = msSince(start);
  REQUIRE_MESSAGE(r.ok(), "a good message got no SUBMIT_RESULT: " << r.rejection().toString());
  CHECK_MESSAGE(r->accepted(), reasonName(r->reason()) << ": " << r->detail());
  CHECK_MESSAGE(took < 1000, "a good message was answered after " << took << " ms");
}

std::uint64_t depthOf(client::Client& c, const std::string& queue) {
  auto status = c.status();
  REQUIRE_MESSAGE(status.ok(), status.rejection().toString());
  for (const auto& q : status->queues()) {
    if (q.name() == queue) return q.depth();
  }
  FAIL("STATUS names no queue " << queue);
  return 0;
}

// Every DELIVER that arrives within `window`, each ACKed.
std::vector<v1::Deliver> deliveriesWithin(client::Client& backend,
                                          std::chrono::milliseconds window) {
  std::vector<v1::Deliver> got;
  const auto until = Steady::now() + window;
  while (Steady::now() < until) {
    auto in = backend.receive(100ms);
    if (!in || in->envelope.command() != v1::DELIVER) continue;
    got.push_back(in->envelope.deliver());
    backend.ack(in->envelope.deliver().delivery_id());
  }
  return got;
}

// ---- a bare DEALER, to do what the client library never would ----------------------------------

struct CurveClient {
  std::string server_public_key;
  std::string public_key;
  std::string secret_key;
};

void applyCurve(zmq::socket_t& socket, const CurveClient& k) {
  socket.set(zmq::sockopt::curve_serverkey, k.server_public_key);
  socket.set(zmq::sockopt::curve_publickey, k.public_key);
  socket.set(zmq::sockopt::curve_secretkey, k.secret_key);
}

struct DealerSetup {
  std::optional<CurveClient> curve;
  std::string routing_id;  // empty: the ROUTER assigns one, as for every proper client
  int rcvhwm = 1000;
  int rcvbuf = -1;  // SO_RCVBUF; -1: the system's
  int sndtimeo_ms = 2000;
};

class RawDealer {
 public:
  explicit RawDealer(const std::string& endpoint, const DealerSetup& setup = DealerSetup())
      : socket_(ctx_, zmq::socket_type::dealer) {
    // Closing must not wait for anything queued: a hostile client just goes away.
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::sndtimeo, setup.sndtimeo_ms);
    socket_.set(zmq::sockopt::rcvhwm, setup.rcvhwm);
    if (setup.rcvbuf > 0) socket_.set(zmq::sockopt::rcvbuf, setup.rcvbuf);
    if (!setup.routing_id.empty()) socket_.set(zmq::sockopt::routing_id, setup.routing_id);
    if (setup.curve) applyCurve(socket_, *setup.curve);
    socket_.connect(endpoint);
  }

  wire::Sent send(const v1::Envelope& e, std::span<zmq::message_t> payloads = {}) {
    return wire::send(socket_, nullptr, e, payloads, true);
  }

  // The next envelope within the timeout; payload frames are dropped.
  std::optional<v1::Envelope> next(std::chrono::milliseconds timeout) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, timeout);
    if ((item.revents & ZMQ_POLLIN) == 0) return std::nullopt;
    auto frames = wire::receive(socket_, zmq::recv_flags::dontwait);
    if (!frames) return std::nullopt;
    auto decoded = wire::decode(std::move(*frames));
    REQUIRE_MESSAGE(decoded.ok(), "the broker sent " << decoded.rejection().toString());
    return std::move(decoded->envelope);
  }

  std::optional<v1::Envelope> nextOf(v1::Command command, std::chrono::milliseconds timeout) {
    const auto until = Steady::now() + timeout;
    for (auto left = timeout; left.count() > 0;
         left = std::chrono::ceil<std::chrono::milliseconds>(until - Steady::now())) {
      auto e = next(left);
      if (e && e->command() == command) return e;
    }
    return std::nullopt;
  }

  // Everything that arrives within `window`.
  std::vector<v1::Envelope> collect(std::chrono::milliseconds window) {
    std::vector<v1::Envelope> got;
    const auto until = Steady::now() + window;
    for (auto left = window; left.count() > 0;
         left = std::chrono::ceil<std::chrono::milliseconds>(until - Steady::now())) {
      if (auto e = next(left)) got.push_back(std::move(*e));
    }
    return got;
  }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

// HELLO as the client library says it; REQUIREs the WELCOME.
void sayHello(RawDealer& d, const std::string& participant, v1::Role role,
              std::uint32_t credit = 0) {
  auto e = wire::makeEnvelope(v1::HELLO, 1);
  e.mutable_hello()->set_participant_id(participant);
  e.mutable_hello()->set_role(role);
  e.mutable_hello()->set_credit(credit);
  const bool sent = d.send(e) == wire::Sent::kYes;
  REQUIRE_MESSAGE(sent, "HELLO as " << participant << " could not be sent");
  auto answer = d.next(3s);
  REQUIRE_MESSAGE(answer, "no answer to HELLO as " << participant);
  REQUIRE_MESSAGE(answer->command() == v1::WELCOME, v1::Command_Name(answer->command())
                                                        << ": " << answer->error().detail());
}

// The keys a raw DEALER needs to reach SecureBroker as participant k.
CurveClient curveOf(const SecureBroker& s, const wire::CurveKeys& k) {
  return {s.keys.public_key, k.public_key, k.secret_key};
}

// ---- the development PKI's CURVE keys ---------------------------------------------------------

client::Options pkiOptions(const BrokerProcess& broker, const std::string& id, v1::Role role) {
  std::string file = id;
  std::replace(file.begin(), file.end(), ':', '_');
  const auto curve = testing::pki() / "curve";
  auto mine = wire::loadCurveKeys(curve / (file + ".key"));
  auto server = wire::loadCurveKeys(curve / "broker.pub");
  REQUIRE_MESSAGE(mine.ok(), mine.rejection().toString());
  REQUIRE_MESSAGE(server.ok(), server.rejection().toString());
  client::Options o{broker.endpoint(), id, role};
  o.public_key = mine->public_key;
  o.secret_key = mine->secret_key;
  o.server_public_key = server->public_key;
  o.timeout = 1000ms;
  return o;
}

// ---- raw TCP, for the admin endpoint ----------------------------------------------------------

// Two distinct free ports on 127.0.0.1, for a broker whose [http] section the test writes itself.
// Both probe sockets stay bound until both are picked, so the two differ.
std::array<int, 2> freeLoopbackPorts() {
  std::array<int, 2> fds{::socket(AF_INET, SOCK_STREAM, 0), ::socket(AF_INET, SOCK_STREAM, 0)};
  std::array<int, 2> ports{-1, -1};
  for (std::size_t i = 0; i < fds.size(); ++i) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fds[i], reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fds[i], reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      ports[i] = ntohs(a.sin_port);
    }
  }
  for (const int fd : fds) ::close(fd);
  REQUIRE_MESSAGE((ports[0] > 0 && ports[1] > 0), "no free ports on 127.0.0.1");
  return ports;
}

int connectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void sendText(int fd, const std::string& text) {
  // A refused write only ends this slow client early; the probes are what is checked.
  (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

// ---- documents --------------------------------------------------------------------------------

// The UTF-8 text as UTF-16LE with its byte-order mark, as a Windows editor saves it.
std::string utf16le(const std::string& utf8) {
  std::string out = "\xFF\xFE";
  const auto unit = [&out](std::uint32_t u) {
    out.push_back(static_cast<char>(u & 0xFFu));
    out.push_back(static_cast<char>((u >> 8) & 0xFFu));
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const std::size_t n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    REQUIRE_MESSAGE(i + n <= utf8.size(), "the sample is not valid UTF-8 at byte " << i);
    const unsigned lead_bits = n == 1 ? 0x7Fu : n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u;
    std::uint32_t cp = lead & lead_bits;
    for (std::size_t k = 1; k < n; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    }
    if (cp >= 0x10000u) {
      cp -= 0x10000u;
      unit(0xD800u | (cp >> 10));
      unit(0xDC00u | (cp & 0x3FFu));
    } else {
      unit(cp);
    }
    i += n;
  }
  return out;
}

std::string upperCase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE(
    "a document declared in EBCDIC or saved as UTF-16 is refused as ENCODING_UNSUPPORTED before "
    "it is scanned, and the next one is answered at once") {
  BrokerProcess broker;
  broker.start();
  auto portal = connectOrFail(plain(broker, "psw:02000001", v1::PORTAL));

  // The good sample itself, only its declaration changed: nothing else could refuse it.
  const std::string ebcdic =
      testing::replaced(testing::sampleMessage(), "encoding=\"UTF-8\"", "encoding=\"IBM037\"");
  auto r = portal->submit(ebcdic);
  REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
  CHECK_FALSE(r->accepted());
  CHECK_MESSAGE(r->reason() == v1::ENCODING_UNSUPPORTED, reasonName(r->reason())
                                                             << ": " << r->detail());
  CHECK_MESSAGE(r->detail().find("IBM037") != std::string::npos, r->detail());

  const std::string utf16 = utf16le(
      testing::replaced(testing::sampleMessage(), "encoding=\"UTF-8\"", "encoding=\"UTF-16\""));
  r = portal->submit(utf16);
  REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
  CHECK_FALSE(r->accepted());
  CHECK_MESSAGE(r->reason() == v1::ENCODING_UNSUPPORTED, reasonName(r->reason())
                                                             << ": " << r->detail());
  CHECK_MESSAGE(r->detail().find("UTF-16") != std::string::npos, r->detail());
  acceptsGoodMessage(*portal);

  // 100,000 attributes on one element, about 1 MB: the attribute scan would count them all (and
  // could not read EBCDIC right); the declaration alone must refuse it.
  std::string flood = "<?xml version=\"1.0\" encoding=\"IBM273\"?>\n<a";
  for (int i = 0; i < 100000; ++i) flood += " a" + std::to_string(i) + "=\"\"";
  flood += "/>";
  const auto start = Steady::now();
  r = portal->submit(flood);
  const std::int64_t took = msSince(start);
  REQUIRE_MESSAGE(r.ok(), "no answer within 1 s: " << r.rejection().toString());
  CHECK_MESSAGE(r->reason() == v1::ENCODING_UNSUPPORTED, reasonName(r->reason())
                                                             << ": " << r->detail());
  CHECK_MESSAGE(r->detail().find("IBM273") != std::string::npos, r->detail());
  CHECK_MESSAGE(took < 1000, "refused after " << took << " ms");
  acceptsGoodMessage(*portal);
}

TEST_CASE(
    "CURVE: a participant that never reads is dropped when its send queue is full, and the "
    "broker stays small and quick") {
  SecureBroker s("", 1000ms);  // the default limits.send_queue
  auto portal = connectOrFail(s.options("psw:02000001", v1::PORTAL, s.portal));
  // Ten messages in its socket, a few KiB in its kernel buffer: then the broker's queue towards
  // it fills within a few hundred answers.
  RawDealer sink(s.broker.endpoint(),
                 {.curve = curveOf(s, s.ops), .rcvhwm = 10, .rcvbuf = 4096, .sndtimeo_ms = 100});
  sayHello(sink, "ops", v1::OBSERVER);

  std::atomic<std::uint64_t> sent{0};
  std::uint64_t max_rss = rssKiB(s.broker.pid());
  double dropped = 0;
  {
    // Joined (and stopped) at the end of this block, also when an assertion throws.
    std::jthread flood([&sink, &sent](std::stop_token stop) {
      for (std::uint64_t i = 0; i < 200000 && !stop.stop_requested(); ++i) {
        if (sink.send(wire::makeEnvelope(v1::STATUS, i + 2)) == wire::Sent::kYes) ++sent;
      }
    });
    const std::string series = "ozgbus_sessions_dropped_total{reason=\"send_queue_full\"}";
    const auto deadline = Steady::now() + 8s;
    while (dropped == 0 && Steady::now() < deadline) {
      acceptsGoodMessage(*portal);
      max_rss = std::max(max_rss, rssKiB(s.broker.pid()));
      dropped = metricValue(scrapeMetrics(s.broker.httpPort()), series);
      std::this_thread::sleep_for(200ms);
    }
    max_rss = std::max(max_rss, rssKiB(s.broker.pid()));
  }
  CHECK_MESSAGE(dropped > 0, "after " << sent.load()
                                      << " unread STATUS requests no session was dropped with "
                                         "reason send_queue_full");
  MESSAGE("peak RSS " << max_rss / 1024 << " MiB (ASan build), " << sent.load()
                      << " unread STATUS requests sent");
  CHECK_MESSAGE(max_rss < 1024 * 1024, "the broker grew to " << max_rss / 1024 << " MiB");
  // The session is gone, not only counted: nobody is connected as ops any more.
  auto status = portal->status();
  REQUIRE_MESSAGE(status.ok(), status.rejection().toString());
  for (const auto& p : status->participants()) CHECK(p.participant_id() != "ops");
  acceptsGoodMessage(*portal);
}

TEST_CASE(
    "limits: bytes in flight answer BUSY, an oversized frame costs its connection, and a "
    "participant's connections are capped") {
  {
    BrokerProcess broker("[limits]\nmax_bytes_in_flight = 1048576\n");
    broker.start();
    auto portal = connectOrFail(plain(broker, "psw:02000001", v1::PORTAL));

    // (a) 40 documents of 200 KiB, posted at once: about 8 MB against a limit of 1 MiB.
    const auto tmpl = client::MessageTemplate::load(kSamples / "gewerbeanmeldung-1.0-hamburg.xml");
    std::set<std::uint64_t> posted;
    for (int i = 0; i < 40; ++i) posted.insert(portal->post(tmpl.instantiateSized(200 * 1024)));
    int accepted = 0, busy = 0;
    std::string busy_detail;
    std::vector<std::string> others;
    const auto deadline = Steady::now() + 8s;
    while (!posted.empty() && Steady::now() < deadline) {
      auto in = portal->receive(200ms);
      if (!in || in->envelope.command() != v1::SUBMIT_RESULT) continue;
      if (posted.erase(in->envelope.correlation_id()) == 0) continue;
      const v1::SubmitResult& r = in->envelope.submit_result();
      if (r.accepted()) {
        ++accepted;
      } else if (r.reason() == v1::BUSY) {
        ++busy;
        busy_detail = r.detail();
      } else {
        others.push_back(reasonName(r.reason()) + ": " + r.detail());
      }
    }
    CHECK_MESSAGE(posted.empty(), posted.size() << " of 40 posted submissions got no answer");
    CHECK_MESSAGE(busy > 0,
                  "none of 40 submissions of 200 KiB was BUSY (" << accepted << " accepted)");
    CHECK(accepted > 0);
    CHECK_MESSAGE(others.empty(), (others.empty() ? std::string() : others.front()));
    CHECK_MESSAGE(busy_detail.find("limit 1048576") != std::string::npos, busy_detail);
    // Every answer gave its bytes back: one as large as those goes through alone.
    auto large = portal->submit(tmpl.instantiateSized(200 * 1024));
    REQUIRE_MESSAGE(large.ok(), large.rejection().toString());
    CHECK_MESSAGE(large->accepted(), reasonName(large->reason()) << ": " << large->detail());
    acceptsGoodMessage(*portal);

    // (b) A 64 MiB frame: above ZMQ_MAXMSGSIZE (4 MiB + 4 MiB by default), so the broker closes
    // the connection at the frame's size header instead of reading it and answering TOO_LARGE.
    RawDealer hostile(broker.endpoint());
    sayHello(hostile, "psw:02000001", v1::PORTAL);
    const std::uint64_t peak_before = procStatusKiB(broker.pid(), "VmHWM");
    zmq::message_t huge(std::size_t{64} << 20);
    std::memset(huge.data(), '<', huge.size());
    hostile.send(wire::makeEnvelope(v1::SUBMIT, 2), std::span<zmq::message_t>(&huge, 1));
    std::this_thread::sleep_for(500ms);
    for (const auto& e : hostile.collect(500ms)) {
      CHECK_MESSAGE(e.command() != v1::SUBMIT_RESULT,
                    "the broker read the oversized frame and answered: "
                        << reasonName(e.submit_result().reason()));
    }
    // libzmq reconnected the DEALER under a new routing id: the broker sees a connection that
    // never said HELLO.
    hostile.send(wire::makeEnvelope(v1::STATUS, 3));
    auto answer = hostile.next(2s);
    REQUIRE_MESSAGE(answer, "no answer on the reconnected connection");
    CHECK(answer->command() == v1::ERROR);
    CHECK_MESSAGE(answer->error().reason() == v1::NOT_REGISTERED,
                  reasonName(answer->error().reason()) << ": " << answer->error().detail());
    const std::uint64_t peak_after = procStatusKiB(broker.pid(), "VmHWM");
    CHECK_MESSAGE(peak_after - peak_before < 32 * 1024,
                  "the broker's peak RSS grew by " << (peak_after - peak_before) / 1024 << " MiB");
    acceptsGoodMessage(*portal);
  }
  {
    // (c) At most two connections of one participant at a time.
    SecureBroker s("[limits]\nmax_connections_per_participant = 2\n", 1000ms);
    const auto as_portal = s.options("psw:02000001", v1::PORTAL, s.portal);
    auto first = connectOrFail(as_portal);
    auto second = connectOrFail(as_portal);
    auto third = client::Client::connect(as_portal);
    REQUIRE_FALSE(third.ok());
    CHECK_MESSAGE(third.rejection().reason == v1::BUSY, third.rejection().toString());
    CHECK(third.rejection().detail.find("limits.max_connections_per_participant") !=
          std::string::npos);
    acceptsGoodMessage(*first);
    acceptsGoodMessage(*second);
    // One that leaves (BYE) makes room again.
    first.reset();
    std::this_thread::sleep_for(200ms);
    auto again = client::Client::connect(as_portal);
    CHECK_MESSAGE(again.ok(), again.rejection().toString());
  }
}

TEST_CASE(
    "CURVE: a connection that presents a dropped back-end's routing id gets neither its session "
    "nor its deliveries") {
  SecureBroker s("", 1000ms);
  auto portal = connectOrFail(s.options("psw:02000001", v1::PORTAL, s.portal));
  std::string uuid;
  {
    RawDealer victim(s.broker.endpoint(),
                     {.curve = curveOf(s, s.backend), .routing_id = "victim-id"});
    sayHello(victim, "hh-gewerbeamt", v1::BACKEND, 4);
    auto r = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
    REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
    REQUIRE(r->accepted());
    auto d = victim.nextOf(v1::DELIVER, 3s);
    REQUIRE_MESSAGE(d, "the victim got no delivery");
    CHECK(d->deliver().message_uuid() == uuid);
  }  // closed with linger 0: no BYE, no ACK; its session holds the delivery
  // The ROUTER frees the routing id once it has seen the connection go; the session stays until
  // its heartbeat timeout (1.5 s).
  std::this_thread::sleep_for(300ms);

  RawDealer attacker(s.broker.endpoint(),
                     {.curve = curveOf(s, s.others), .routing_id = "victim-id"});
  const bool sent = attacker.send(wire::makeEnvelope(v1::STATUS, 9)) == wire::Sent::kYes;
  REQUIRE(sent);
  bool refused = false, mismatch = false;
  for (const auto& e : attacker.collect(1500ms)) {
    CHECK_MESSAGE(e.command() != v1::DELIVER, "the attacker received a delivery of the victim");
    CHECK_MESSAGE(e.command() != v1::STATUS_RESULT, "the attacker was served as the victim");
    if (e.command() != v1::ERROR) continue;
    refused = true;
    const ReasonCode reason = e.error().reason();
    mismatch = mismatch || reason == v1::IDENTITY_MISMATCH;
    CHECK_MESSAGE((reason == v1::IDENTITY_MISMATCH || reason == v1::NOT_REGISTERED),
                  reasonName(reason) << ": " << e.error().detail());
  }
  CHECK_MESSAGE(refused, "the attacker's STATUS got no ERROR");
  MESSAGE((mismatch ? "the broker saw the takeover (IDENTITY_MISMATCH)"
                    : "the victim's session had already timed out (NOT_REGISTERED)"));

  // The real back-end gets what the victim held.
  auto o = s.options("hh-gewerbeamt", v1::BACKEND, s.backend);
  o.credit = 4;
  auto backend = connectOrFail(o);
  CHECK(testing::drainAcking(*backend, 1, 5000ms) == std::set<std::string>{uuid});
  for (const auto& e : attacker.collect(300ms)) CHECK(e.command() != v1::DELIVER);
  if (mismatch) {
    CHECK(metricValue(scrapeMetrics(s.broker.httpPort()),
                      "ozgbus_sessions_dropped_total{reason=\"routing_id_taken\"}") >= 1);
    CHECK(s.broker.log().find("presented the routing id of hh-gewerbeamt's session") !=
          std::string::npos);
  }
  acceptsGoodMessage(*portal);
}

TEST_CASE(
    "the admin endpoint refuses hostile requests, its probes answer while it is held, and off "
    "loopback its API needs a token") {
  {
    BrokerProcess broker;
    broker.start();
    httplib::Client admin("127.0.0.1", broker.httpPort());
    admin.set_url_encode(false);  // the paths below go out byte for byte
    admin.set_read_timeout(5, 0);

    auto big = admin.Post("/x", std::string(std::size_t{1} << 20, 'x'), "text/plain");
    REQUIRE(big);
    CHECK(big->status == 413);
    for (const char* id : {"1abc", "-1", "1%20OR%201=1"}) {
      CAPTURE(id);
      auto r =
          admin.Post("/api/dead-letters/" + std::string(id) + "/replay",
                     httplib::Headers{{"X-Ozgbus-Dashboard", "1"}}, std::string(), "text/plain");
      REQUIRE(r);
      CHECK_MESSAGE(r->status == 400, r->status << " " << r->body);
      CHECK_MESSAGE(r->body.find("not a dead-letter id") != std::string::npos, r->body);
    }
    // A NUL in the decoded path once cut the file name short: app.js served as text/html.
    auto nul = admin.Get("/app.js%00.html");
    REQUIRE(nul);
    CHECK(nul->status == 400);
    CHECK_MESSAGE(nul->get_header_value("Content-Type").find("text/html") == std::string::npos,
                  nul->get_header_value("Content-Type"));

    // Eight connections to the admin port, each sending one header line a second and never
    // finishing its request: they hold the admin server's threads. Probes have their own.
    std::vector<int> fds;
    for (int i = 0; i < 8; ++i) {
      const int fd = connectLoopback(broker.httpPort());
      REQUIRE_MESSAGE(fd >= 0, "cannot connect to the admin port " << broker.httpPort());
      fds.push_back(fd);
    }
    std::vector<std::jthread> slow;
    for (const int fd : fds) {
      slow.emplace_back([fd] {
        sendText(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int k = 0; k < 5; ++k) {
          std::this_thread::sleep_for(1s);
          sendText(fd, "X-Slow-" + std::to_string(k) + ": still sending\r\n");
        }
        ::close(fd);
      });
    }
    std::this_thread::sleep_for(300ms);
    int probes = 0;
    const auto until = Steady::now() + 4500ms;
    while (Steady::now() < until) {
      for (const char* path : {"/healthz", "/metrics"}) {
        CAPTURE(path);
        httplib::Client probe("127.0.0.1", broker.probePort());
        probe.set_connection_timeout(1, 0);
        probe.set_read_timeout(1, 0);
        const auto start = Steady::now();
        auto r = probe.Get(path);
        const std::int64_t took = msSince(start);
        CHECK_MESSAGE(r, "no answer from the probe port while the admin port is held");
        if (r) {
          CHECK(r->status == 200);
        }
        CHECK_MESSAGE(took < 1000, "the probe answered after " << took << " ms");
        ++probes;
      }
      std::this_thread::sleep_for(250ms);
    }
    CHECK(probes >= 8);
    slow.clear();
  }
  {
    testing::TempDir secrets;
    const auto token_file = secrets.path() / "token";
    const std::string token = "hostile-participant-test-token-0123456789";
    std::ofstream(token_file) << token << "\n";
    std::filesystem::permissions(
        token_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto [admin_port, probe_port] = freeLoopbackPorts();
    BrokerProcess broker("[http]\nlisten = \"127.0.0.1:" + std::to_string(admin_port) +
                         "\"\nprobe_listen = \"127.0.0.1:" + std::to_string(probe_port) +
                         "\"\nadmin_token_file = \"" + token_file.string() + "\"\n");
    broker.start();
    httplib::Client admin("127.0.0.1", admin_port);
    admin.set_read_timeout(5, 0);
    auto anonymous = admin.Get("/api/overview");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
    CHECK_MESSAGE(anonymous->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0,
                  anonymous->get_header_value("WWW-Authenticate"));
    auto wrong = admin.Get("/api/overview",
                           httplib::Headers{{"Authorization", "Bearer " + upperCase(token)}});
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    auto authorized =
        admin.Get("/api/overview", httplib::Headers{{"Authorization", "Bearer " + token}});
    REQUIRE(authorized);
    CHECK_MESSAGE(authorized->status == 200, authorized->body);
    // Prometheus scrapes without a token, on both ports.
    auto metrics = admin.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    httplib::Client probe("127.0.0.1", probe_port);
    probe.set_read_timeout(5, 0);
    auto probed = probe.Get("/metrics");
    REQUIRE(probed);
    CHECK(probed->status == 200);
    auto portal = connectOrFail(plain(broker, "psw:02000001", v1::PORTAL));
    acceptsGoodMessage(*portal);
  }
  {
    const auto [admin_port, probe_port] = freeLoopbackPorts();
    BrokerProcess exposed("[http]\nlisten = \"0.0.0.0:" + std::to_string(admin_port) +
                          "\"\nprobe_listen = \"127.0.0.1:" + std::to_string(probe_port) + "\"\n");
    const std::string failure = startFailure(exposed);
    CHECK_MESSAGE(failure.find("http.admin_token_file") != std::string::npos,
                  "the broker started with its admin API on 0.0.0.0 and no token: " << failure);
  }
}

TEST_CASE(
    "the same message UUID from two authors is two messages, and one author's UUID in upper "
    "case is the same message: other bytes are a DUPLICATE_CONFLICT, the same bytes a duplicate") {
  BrokerProcess broker;
  broker.start();
  auto hamburg = connectOrFail(plain(broker, "psw:02000001", v1::PORTAL));
  auto kiel = connectOrFail(plain(broker, "psw:01000001", v1::PORTAL));

  std::string uuid;
  const std::string mine = testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid);
  const std::string theirs =
      testing::replaced(mine, "<kennung>psw:02000001</kennung>", "<kennung>psw:01000001</kennung>");
  for (auto& [portal, doc] : {std::pair{hamburg.get(), &mine}, std::pair{kiel.get(), &theirs}}) {
    auto r = portal->submit(*doc);
    REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
    CHECK_MESSAGE(r->accepted(), reasonName(r->reason()) << ": " << r->detail());
    CHECK_FALSE(r->duplicate());
    CHECK(r->message_uuid() == uuid);
  }
  CHECK(depthOf(*hamburg, "hh-gewerbeamt") == 2);

  const auto inbox = broker.dir() / "inbox";
  auto recv = testing::runCommand({OZGBUS_CLI_BIN, "recv", "--broker", broker.endpoint(), "--as",
                                   "hh-gewerbeamt", "--out", inbox.string(), "--count", "2",
                                   "--timeout", "5"});
  CHECK_MESSAGE(recv.status == 0, recv.out << recv.err);
  CHECK(testing::readFile(inbox / ("psw%3A02000001_" + uuid + "_0100.xml")) == mine);
  CHECK(testing::readFile(inbox / ("psw%3A01000001_" + uuid + "_0100.xml")) == theirs);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(inbox)) {
    if (e.path().extension() == ".xml") ++files;
  }
  CHECK(files == 2);

  // A fixed UUID with letters, so that its upper-case spelling differs.
  const std::string lower = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";
  std::string fresh;
  const std::string doc = testing::replaced(
      testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &fresh), fresh, lower);
  auto first = hamburg->submit(doc);
  REQUIRE_MESSAGE(first.ok(), first.rejection().toString());
  CHECK(first->accepted());
  CHECK_FALSE(first->duplicate());
  CHECK(first->message_uuid() == lower);
  // The same id in upper case is the same message; its document differs in those letters, so it
  // is refused as a conflict rather than answered ACCEPTED.
  auto shouted = hamburg->submit(testing::replaced(doc, lower, upperCase(lower)));
  REQUIRE_MESSAGE(shouted.ok(), shouted.rejection().toString());
  CHECK_FALSE(shouted->accepted());
  CHECK(shouted->reason() == v1::DUPLICATE_CONFLICT);
  CHECK(shouted->duplicate());
  CHECK(shouted->message_uuid() == lower);
  auto again = hamburg->submit(doc);
  REQUIRE_MESSAGE(again.ok(), again.rejection().toString());
  CHECK_MESSAGE(again->accepted(), reasonName(again->reason()) << ": " << again->detail());
  CHECK(again->duplicate());

  auto backend = connectOrFail(plain(broker, "hh-gewerbeamt", v1::BACKEND, 8));
  const auto delivered = deliveriesWithin(*backend, 1500ms);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered.front().message_uuid() == lower);
  acceptsGoodMessage(*hamburg);
}

TEST_CASE(
    "a NACK detail with control characters comes back in a well-formed Quittung, signed and "
    "without them") {
  BrokerProcess broker(signingConfig());
  broker.start();
  auto portal = connectOrFail(plain(broker, "psw:02000001", v1::PORTAL));
  std::string uuid;
  auto r = portal->submit(testing::signedSample(&uuid));
  REQUIRE_MESSAGE(r.ok(), r.rejection().toString());
  REQUIRE_MESSAGE(r->accepted(), reasonName(r->reason()) << ": " << r->detail());

  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 4);
  auto d = testing::nextOf(*backend, v1::DELIVER);
  REQUIRE(d);
  // SOH, STX and an ANSI colour sequence: forbidden in XML 1.0, and a terminal escape in a log.
  backend->nack(d->envelope.deliver().delivery_id(), v1::REJECTED_BY_RECEIVER,
                "bad\x01\x02\x1b[31m text", false);

  auto receipt = testing::nextOf(*portal, v1::RECEIPT);
  REQUIRE_MESSAGE(receipt, "no RECEIPT for the NACKed message");
  CHECK(receipt->envelope.receipt().message_uuid() == uuid);
  CHECK(receipt->envelope.receipt().outcome() == v1::REJECTED);
  REQUIRE(receipt->payloads.size() == 1);
  const std::string& quittung = receipt->payloads[0];
  CHECK(quittung.find("quittung.ablehnung.0910") != std::string::npos);
  // The back-end's words are kept, the control characters are not.
  CHECK_MESSAGE(quittung.find("[31m text") != std::string::npos, quittung);
  std::size_t controls = 0;
  for (const char c : quittung) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') ++controls;
  }
  CHECK_MESSAGE(controls == 0, controls << " raw control bytes in " << quittung);

  auto doc = xml::parseSecure(quittung, {});
  REQUIRE_MESSAGE(doc.ok(), doc.rejection().toString());
  auto trust = dsig::TrustStore::load(testing::trustPaths());
  REQUIRE(trust.ok());
  dsig::Verifier verifier;
  auto v = verifier.verify(doc->get(), **trust);
  REQUIRE_MESSAGE(v.ok(), v.rejection().toString());
  CHECK(v->common_name == "ozgbus-broker-ec");
  acceptsGoodMessage(*portal, testing::signedSample());
}

TEST_CASE(
    "CURVE: a flood of handshakes with an unknown key is counted in full and logged only a few "
    "times") {
  SecureBroker s("", 1000ms);
  auto portal = connectOrFail(s.options("psw:02000001", v1::PORTAL, s.portal));
  const CurveClient stranger = curveOf(s, wire::generateCurveKeys());
  zmq::context_t ctx;
  // 300 attempts in six batches of 50 (each socket uses descriptors; 300 at once could exceed a
  // default limit of 1024), about 2 s in all.
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<zmq::socket_t> sockets;
    sockets.reserve(50);
    for (int i = 0; i < 50; ++i) {
      zmq::socket_t& d = sockets.emplace_back(ctx, zmq::socket_type::dealer);
      d.set(zmq::sockopt::linger, 0);
      d.set(zmq::sockopt::reconnect_ivl, -1);  // one handshake per socket, no retries
      applyCurve(d, stranger);
      d.connect(s.broker.endpoint());
    }
    std::this_thread::sleep_for(330ms);
  }

  const std::string series = "ozgbus_handshakes_refused_total{reason=\"unknown_key\"}";
  double refused = 0;
  const auto deadline = Steady::now() + 3s;
  while (Steady::now() < deadline) {
    refused = metricValue(scrapeMetrics(s.broker.httpPort()), series);
    if (refused >= 300) break;
    std::this_thread::sleep_for(100ms);
  }
  // Every refusal counts; a few attempts may not have reached the broker before their socket
  // closed.
  CHECK_MESSAGE(refused >= 270, series << " = " << refused << " after 300 attempts");
  const std::string log = s.broker.log();
  const std::size_t logged = linesWith(log, "handshake refused before HELLO");
  CHECK_MESSAGE(logged >= 1, "no refusal logged at all (has the wording changed?)");
  CHECK_MESSAGE(logged <= 20, logged << " log lines for " << refused << " refusals");
  CHECK(log.find("further refusals this minute are only counted") != std::string::npos);
  acceptsGoodMessage(*portal);
}

TEST_CASE(
    "CURVE: the development PKI's revoked and expired participants are refused at the "
    "handshake, and a valid one submits") {
  const auto curve = testing::pki() / "curve";
  const std::string registry = testing::readFile(curve / "participants.toml");
  // certs/make-dev-pki.sh: REVOKED_ID and EXPIRED_ID, each with a CURVE pair and its certificate.
  const std::pair<const char*, const char*> unusable[] = {{"psw:02000003", "CERT_REVOKED"},
                                                          {"psw:02000002", "CERT_EXPIRED"}};
  for (const auto& u : unusable) {
    const std::string id = u.first, why = u.second;
    std::string file = id;
    std::replace(file.begin(), file.end(), ':', '_');
    REQUIRE_MESSAGE(registry.find("id = \"" + id + "\"") != std::string::npos,
                    "the development PKI's participants.toml has no entry for "
                        << id << " (" << why << "): certs/make-dev-pki.sh must register it");
    REQUIRE_MESSAGE(registry.find("/participants/" + file + ".cert.pem\"") != std::string::npos,
                    "participants.toml names no certificate file for "
                        << id << ": the broker cannot see that it is " << why);
    REQUIRE_MESSAGE(std::filesystem::exists(curve / (file + ".key")),
                    "the development PKI has no CURVE key pair for " << id);
  }

  BrokerProcess broker(signingConfig(false), "debug",
                       "curve_secret_key_file = \"" + (curve / "broker.key").string() +
                           "\"\nparticipants_file = \"" + (curve / "participants.toml").string() +
                           "\"");
  broker.setProbe(pkiOptions(broker, "ozgbus-operator", v1::OBSERVER));
  broker.start();

  for (const auto& u : unusable) {
    const std::string id = u.first, why = u.second;
    CAPTURE(id);
    auto refused = client::Client::connect(pkiOptions(broker, id, v1::PORTAL));
    REQUIRE_FALSE(refused.ok());
    const ReasonCode reason = refused.rejection().reason;
    CHECK_MESSAGE((reason == v1::UNAUTHENTICATED || reason == v1::BROKER_UNREACHABLE),
                  refused.rejection().toString());
    const std::string logged = id + "'s certificate is not valid now";
    CHECK_MESSAGE(broker.waitForLog(logged, 2s), "the broker log does not say: " << logged);
    CHECK(broker.log().find(logged + " (" + why) != std::string::npos);
  }
  CHECK(metricValue(scrapeMetrics(broker.httpPort()),
                    "ozgbus_handshakes_refused_total{reason=\"participant_not_usable\"}") >= 2);

  auto portal = connectOrFail(pkiOptions(broker, "psw:02000001", v1::PORTAL));
  acceptsGoodMessage(*portal, testing::signedSample());
}
