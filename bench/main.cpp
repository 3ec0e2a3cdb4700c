// ozgbus-bench: end-to-end throughput and latency of the real broker process, side by side
// with the bare ZeroMQ forwarding loop (the transport's ceiling), and broker memory with a
// deep queue. Results go to docs/performance.md.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <thread>

#include "bench/adapter_bench.h"
#include "bench/dev_pki.h"
#include "bench/e2e_load.h"
#include "bench/fault_bench.h"
#include "bench/schema_bench.h"
#include "bench/signature_bench.h"
#include "bench/store_server.h"
#include "bench/zmq_loop.h"
#include "client/message_template.h"
#include "client/signing.h"
#include "core/dsig/signer.h"
#include "core/dsig/xmlsec.h"
#include "core/wire/curve_keys.h"
#include "core/xml/xml_init.h"
#include "core/xoev/uuid.h"
#include "tests/support/broker_process.h"
#include "tests/support/files.h"
#include "tests/support/pki.h"

#include <httplib.h>

#include <atomic>

using namespace ozgbus;

namespace {

// The benchmarks measure the broker, not its per-participant submit limit (default 5,000/s).
const std::string kUnlimited = "[limits]\nsubmit_rate = 10000000.0\nsubmit_burst = 1000000.0\n";

// A compact XÖV message (full header, short body) of about 1 KiB; larger sizes are padded with
// further elements.
std::string sampleTemplate() {
  return client::MessageTemplate::load(std::string(OZGBUS_SOURCE_DIR) +
                                       "/bench/templates/compact-1k.xml")
      .text();
}

// A load of the sample 1 KiB message against a broker the benchmark started.
bench::LoadSpec sampleLoad(const testing::BrokerProcess& broker, std::uint64_t messages) {
  bench::LoadSpec spec;
  spec.endpoint = broker.endpoint();
  spec.document_template = sampleTemplate();
  spec.messages = messages;
  return spec;
}

double zmqLoop(std::uint64_t messages, std::size_t size) {
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(20000 + getpid() % 20000);
  const pid_t child = fork();
  if (child == 0) {
    bench::runForwarder(endpoint, messages);
    _exit(0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double rate = bench::runZmqLoop(endpoint, messages, size, 512);
  waitpid(child, nullptr, 0);
  return rate;
}

// User + system CPU a process has used so far (/proc/PID/stat, fields 14 and 15).
double cpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;
  double user = 0, system = 0;
  fields >> user >> system;
  return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// What watches the broker during a load: nothing, an HTTP scraper, a flow-event subscriber.
struct Watchers {
  bool scrape = false, subscribe = false;
};

// before_stop: called with the result while the broker still runs (to read what it costs
// others, e.g. its database server).
bench::LoadResult brokerLoad(std::uint64_t messages, std::size_t size, double rate,
                             const std::string& extra = "", Watchers watch = {},
                             const std::function<void(bench::LoadResult&)>& before_stop = {}) {
  testing::BrokerProcess broker(
      kUnlimited + extra +
          (std::getenv("OZGBUS_BENCH_EXTRA") ? std::getenv("OZGBUS_BENCH_EXTRA") : ""),
      std::getenv("OZGBUS_BENCH_LOG") ? std::getenv("OZGBUS_BENCH_LOG") : "warn");
  broker.start();
  // An operator's view while the load runs: Prometheus and the dashboard polling 10× a second,
  // and a subscriber taking every flow event.
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    if (!watch.scrape && !watch.subscribe) return;
    httplib::Client c("127.0.0.1", broker.httpPort());
    zmq::context_t ctx(1);
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::subscribe, "");
    sub.set(zmq::sockopt::linger, 0);
    if (watch.subscribe) sub.connect("tcp://127.0.0.1:" + std::to_string(broker.eventsPort()));
    std::uint64_t events = 0;
    while (!done) {
      zmq::message_t m;
      while (watch.subscribe && sub.recv(m, zmq::recv_flags::dontwait)) ++events;
      if (watch.scrape) {
        (void)c.Get("/metrics");
        (void)c.Get("/api/overview");
        (void)c.Get("/api/dead-letters");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done = true;
      t.join();
    }
  } join{done, scraper};
  bench::LoadSpec spec = sampleLoad(broker, messages);
  spec.size = size;
  spec.rate = rate;
  auto r = bench::runLoad(spec);
  r.broker_cpu_s = cpuSeconds(broker.pid());
  if (before_stop) before_stop(r);
  return r;
}

// Issue 6's "trace within 1 s of delivery": while the 1 KiB load runs at `rate`, a probe portal
// sends a message to its own queue, a probe back-end takes and ACKs it, and the trace API is
// asked every 5 ms until it shows "delivered". The dashboard fetches a shown trace every 250 ms
// on top of that.
int traceVisibility(double rate, int probes) {
  if (probes < 1) {
    std::fprintf(stderr, "--probes must be at least 1\n");
    return 2;
  }
  testing::BrokerProcess broker(kUnlimited, "warn");
  broker.start();
  bench::LoadSpec spec =
      sampleLoad(broker, static_cast<std::uint64_t>(rate * (2.0 + probes * 0.06)));
  spec.rate = rate;
  std::atomic<bool> loaded{true};
  bench::LoadResult load;
  std::thread loader([&] {
    load = bench::runLoad(spec);
    loaded = false;
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto backend = broker.connect("hh-meldeamt", v1::BACKEND, 1, {"hh-meldeamt"});
  httplib::Client http("127.0.0.1", broker.httpPort());
  std::vector<double> ms;
  int under_load = 0;
  std::string failed;
  for (int i = 0; i < probes && failed.empty(); ++i) {
    std::string uuid;
    auto submitted =
        portal->submit(testing::sampleMessage("wohnsitzanmeldung-2.0-hamburg.xml", &uuid));
    auto in = submitted.ok() && submitted->accepted() ? testing::nextOf(*backend, v1::DELIVER)
                                                      : std::nullopt;
    if (!in) {
      failed = "probe " + uuid + " was not accepted and delivered";
      break;
    }
    backend->ack(in->envelope.deliver().delivery_id());
    const auto acked = std::chrono::steady_clock::now();
    if (loaded) ++under_load;
    for (;;) {
      auto r = http.Get("/api/messages/" + uuid + "/trace");
      if (r && r->body.find("\"event\":\"delivered\"") != std::string::npos) break;
      if (std::chrono::steady_clock::now() - acked > std::chrono::seconds(10)) {
        failed = "probe " + uuid + ": no 'delivered' in its trace within 10 s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - acked)
                     .count());
  }
  loader.join();
  if (!failed.empty()) {
    std::fprintf(stderr, "%s\n", failed.c_str());
    return 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "background load: %.0f msg/s offered, %.0f delivered; %d of %d probes while it ran\n"
      "ACK -> 'delivered' in the trace API: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
      "(the dashboard adds at most its 250 ms refresh)\n",
      rate, load.throughput, under_load, probes, ms[ms.size() / 2],
      ms[static_cast<std::size_t>(0.99 * static_cast<double>(ms.size() - 1))], ms.back());
  return 0;
}

long rssKiB(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return -1;
}

// The foundation's 1 KiB benchmark with the HTTP endpoint and event stream off, and on — idle,
// scraped, scraped with a subscriber taking every event — in the same run, alternating to
// spread drift over all.
int monitoring(std::uint64_t n, int rounds) {
  const std::string off_toml =
      "[http]\nlisten = \"\"\nprobe_listen = \"\"\n[events]\npublish = \"\"\n";
  const std::pair<const char*, Watchers> on[] = {
      {"on, idle", {}}, {"on, scraped", {true, false}}, {"on, scraped + subscribed", {true, true}}};
  std::printf(
      "msg/s delivered, and in brackets the broker's CPU per message (µs, user + system).\n\n"
      "| round | off | on, idle | on, scraped 10×/s | on, scraped + every event subscribed |\n"
      "|---|---|---|---|---|\n");
  double rate_sum[4] = {0, 0, 0, 0}, cpu_sum[4] = {0, 0, 0, 0};
  const auto run = [&](std::size_t k, const std::string& toml, Watchers w) {
    const auto r = brokerLoad(n, 1024, 0, toml, w);
    const double cpu_us = r.broker_cpu_s * 1e6 / static_cast<double>(r.delivered);
    rate_sum[k] += r.throughput;
    cpu_sum[k] += cpu_us;
    std::printf(" %.0f (%.1f) |", r.throughput, cpu_us);
  };
  for (int i = 1; i <= rounds; ++i) {
    std::printf("| %d |", i);
    run(0, off_toml, {});
    for (std::size_t k = 0; k < 3; ++k) run(k + 1, "", on[k].second);
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("\nmean: off %.0f msg/s, %.1f µs CPU per message", rate_sum[0] / rounds,
              cpu_sum[0] / rounds);
  for (std::size_t k = 0; k < 3; ++k) {
    std::printf("; %s %.0f msg/s (%.3f), %.1f µs (%.3f)", on[k].first, rate_sum[k + 1] / rounds,
                rate_sum[k + 1] / rate_sum[0], cpu_sum[k + 1] / rounds,
                cpu_sum[k + 1] / cpu_sum[0]);
  }
  std::printf("\n");
  return 0;
}

// Issue 7's fairness: a portal at half its submit rate, alone and while another portal floods at
// ten times its own rate (its messages go to a queue nobody reads, so they do not touch the
// first portal's back-end). The first portal's latency is compared between the two runs.
int fairness(double rate, double seconds) {
  const std::string limits = "[limits]\nsubmit_rate = " + std::to_string(rate) +
                             "\nsubmit_burst = " + std::to_string(rate / 10) + "\n";
  std::printf(
      "| run | normal portal: sent / accepted | p50 / p99 / max submit→ACCEPTED (ms) | flooder: "
      "sent / RATE_LIMITED |\n"
      "|---|---|---|---|\n");
  double p99[2] = {0, 0};
  for (int flood = 0; flood < 2; ++flood) {
    testing::BrokerProcess broker(limits, "warn");
    broker.start();
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> flood_sent{0}, flood_limited{0};
    std::thread flooder([&] {
      if (!flood) return;
      auto c = client::Client::connect({broker.endpoint(), "psw:09000001", v1::PORTAL});
      if (!c) return;
      const auto tmpl = client::MessageTemplate::load(
          std::string(OZGBUS_SOURCE_DIR) + "/samples/messages/bewohnerparken-1.0-muenchen.xml");
      const auto start = std::chrono::steady_clock::now();
      while (!done) {
        const auto due =
            start +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(static_cast<double>(flood_sent) / (10 * rate)));
        if (std::chrono::steady_clock::now() >= due) {
          (*c)->post(tmpl.instantiate());
          ++flood_sent;
        }
        while (auto in = (*c)->receive(std::chrono::milliseconds(0))) {
          if (in->envelope.command() == v1::SUBMIT_RESULT &&
              in->envelope.submit_result().reason() == v1::RATE_LIMITED) {
            ++flood_limited;
          }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
    bench::LoadSpec spec = sampleLoad(broker, 0);
    spec.size = 1024;
    spec.portals = 1;
    spec.backends = 1;
    spec.rate = rate / 2;
    spec.messages = static_cast<std::uint64_t>(rate / 2 * seconds);
    const auto r = bench::runLoad(spec);
    done = true;
    flooder.join();
    p99[flood] = r.p99_ms;
    std::printf("| %s | %llu / %llu | %.2f / %.2f / %.2f | %llu / %llu |\n",
                flood ? "with flooder" : "alone", static_cast<unsigned long long>(spec.messages),
                static_cast<unsigned long long>(r.accepted), r.p50_ms, r.p99_ms, r.max_ms,
                static_cast<unsigned long long>(flood_sent.load()),
                static_cast<unsigned long long>(flood_limited.load()));
    std::fflush(stdout);
  }
  std::printf("\np99 with the flooder / p99 alone: %.2f\n", p99[1] / p99[0]);
  return 0;
}

// Two nodes of one cluster on the server's database, the load spread over both (a portal and a
// back-end at each), their CPU summed; the server's while its backends still run.
bench::LoadResult clusterLoad(std::uint64_t messages, const bench::PostgresServer& server,
                              double& server_cpu) {
  const std::string base = kUnlimited + server.storeToml() + "[cluster]\nnode = ";
  testing::BrokerProcess a(base + "\"a\"\n", "warn"), b(base + "\"b\"\n", "warn");
  a.start();
  b.start();
  bench::LoadSpec spec = sampleLoad(a, messages);
  spec.more_endpoints = {b.endpoint()};
  auto r = bench::runLoad(spec);
  r.broker_cpu_s = cpuSeconds(a.pid()) + cpuSeconds(b.pid());
  server_cpu = server.cpuSeconds();
  return r;
}

// Issue 18: the same 1 KiB end-to-end load on the SQLite store, on PostgreSQL with one node and
// with two nodes (a server of its own per run, started by scripts/pg-test-server.sh, fsync and
// synchronous_commit on), interleaved, with the brokers' and the database server's CPU per
// message.
int stores(std::uint64_t n, int rounds) {
  bench::printMachine();
  std::printf(
      "\n| round | SQLite msg/s | PostgreSQL 1 node msg/s | PG 1 / SQLite | PostgreSQL 2 nodes "
      "msg/s | PG 2 / PG 1 | broker CPU µs/msg SQLite / PG 1 / PG 2 (both) | PostgreSQL server "
      "CPU µs/msg PG 1 / PG 2 |\n|---|---|---|---|---|---|---|---|\n");
  std::vector<double> lite, pg, pg2, ratio, ratio2;
  const auto us = [](double s, std::uint64_t k) { return s * 1e6 / static_cast<double>(k); };
  for (int i = 1; i <= rounds; ++i) {
    const auto a = brokerLoad(n, 1024, 0);
    double server_cpu = 0, server_cpu2 = 0;
    bench::LoadResult b, c;
    {
      bench::PostgresServer server;
      b = brokerLoad(n, 1024, 0, server.storeToml(), {},
                     [&](bench::LoadResult&) { server_cpu = server.cpuSeconds(); });
    }
    {
      bench::PostgresServer server;
      c = clusterLoad(n, server, server_cpu2);
    }
    std::printf("| %d | %.0f | %.0f | %.2f | %.0f | %.2f | %.1f / %.1f / %.1f | %.1f / %.1f |\n", i,
                a.throughput, b.throughput, b.throughput / a.throughput, c.throughput,
                c.throughput / b.throughput, us(a.broker_cpu_s, a.delivered),
                us(b.broker_cpu_s, b.delivered), us(c.broker_cpu_s, c.delivered),
                us(server_cpu, b.delivered), us(server_cpu2, c.delivered));
    std::fflush(stdout);
    lite.push_back(a.throughput);
    pg.push_back(b.throughput);
    pg2.push_back(c.throughput);
    ratio.push_back(b.throughput / a.throughput);
    ratio2.push_back(c.throughput / b.throughput);
  }
  const auto spread = [](const std::vector<double>& v, int digits = 0) {
    char text[80];
    std::snprintf(text, sizeof text, "%.*f (%.*f–%.*f)", digits, bench::median(v), digits,
                  *std::min_element(v.begin(), v.end()), digits,
                  *std::max_element(v.begin(), v.end()));
    return std::string(text);
  };
  std::printf(
      "\nmedians (min–max): SQLite %s msg/s, PostgreSQL 1 node %s msg/s, 2 nodes %s msg/s; "
      "PG 1 / SQLite %s, PG 2 / PG 1 %s\n",
      spread(lite).c_str(), spread(pg).c_str(), spread(pg2).c_str(), spread(ratio, 2).c_str(),
      spread(ratio2, 2).c_str());
  return 0;
}

// store: "sqlite" (the default) or "postgres" (a server of its own for each run).
int compare(std::uint64_t small_n, std::uint64_t large_n, const std::string& store) {
  const auto load = [&](std::uint64_t n, std::size_t size, double rate) {
    if (store != "postgres") return brokerLoad(n, size, rate);
    bench::PostgresServer server;
    return brokerLoad(n, size, rate, server.storeToml());
  };
  std::printf("store: %s\n\n", store.c_str());
  std::printf(
      "| message | bare ZeroMQ loop (msg/s) | ozgbus end to end (msg/s) | ratio | "
      "submit→ACCEPTED p50 / p99 (ms) |\n|---|---|---|---|---|\n");
  double small_rate = 0;
  for (const auto& [size, n] :
       {std::pair<std::size_t, std::uint64_t>{1024, small_n}, {16384, large_n}}) {
    const double bare = zmqLoop(n, size);
    const auto r = load(n, size, 0);
    if (size == 1024) small_rate = r.throughput;
    std::printf("| %zu B | %.0f | %.0f | %.2f | %.2f / %.2f |\n", size, bare, r.throughput,
                r.throughput / bare, r.p50_ms, r.p99_ms);
    std::fflush(stdout);
  }
  const auto half = load(small_n / 2, 1024, small_rate / 2);
  std::printf(
      "\nAt half that rate (%.0f msg/s offered, 1024 B): delivered %.0f msg/s, "
      "submit→ACCEPTED p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      small_rate / 2, half.throughput, half.p50_ms, half.p99_ms, half.max_ms);
  return 0;
}

// The same 4 KiB load with CURVE off and on, one after the other in this run.
int compareCurve(std::uint64_t messages) {
  double plain = 0;
  for (const bool curve : {false, true}) {
    testing::TempDir keys_dir;
    bench::LoadSpec spec;
    spec.document_template = sampleTemplate();
    spec.size = 4096;
    spec.messages = messages;
    std::string participants, broker_lines;
    if (curve) {
      const auto server = wire::writeCurveKeys(keys_dir.path() / "broker").value();
      spec.server_key = server.public_key;
      spec.portal_keys = wire::generateCurveKeys();
      spec.backend_keys = wire::generateCurveKeys();
      participants =
          "[[participants]]\nid = \"psw:02000001\"\nrole = \"portal\"\ncurve_public_key = \"" +
          spec.portal_keys.public_key +
          "\"\n[[participants]]\nid = \"hh-gewerbeamt\"\nrole = \"backend\"\n" +
          "queues = [\"hh-gewerbeamt\"]\ncurve_public_key = \"" + spec.backend_keys.public_key +
          "\"\n";
      broker_lines =
          "curve_secret_key_file = \"" + (keys_dir.path() / "broker.key").string() + "\"";
    }
    testing::BrokerProcess broker(kUnlimited + participants, "warn", broker_lines);
    if (curve) {  // start() checks that the broker answers: as the portal
      client::Options probe{"", "psw:02000001", v1::PORTAL};
      probe.server_public_key = spec.server_key;
      probe.public_key = spec.portal_keys.public_key;
      probe.secret_key = spec.portal_keys.secret_key;
      broker.setProbe(probe);
    }
    broker.start();
    spec.endpoint = broker.endpoint();
    const auto r = bench::runLoad(spec);
    if (!curve) plain = r.throughput;
    std::printf("| 4096 B, CURVE %s | %.0f msg/s | p50 %.2f ms, p99 %.2f ms |%s\n",
                curve ? "on" : "off", r.throughput, r.p50_ms, r.p99_ms,
                curve ? (" ratio on/off " + std::to_string(r.throughput / plain)).c_str() : "");
    std::fflush(stdout);
  }
  return 0;
}

// 1 KiB end to end with the signature stages on, as the sample configuration runs: portals
// submit messages signed with psw:02000001's key (made before the clock starts), the broker
// verifies each, signs what it delivers and signs every receipt's Quittung. Broker key ECDSA
// P-256 and RSA-2048, and the unsigned pipeline, in the same run.
int compareSigned(std::uint64_t messages) {
  const std::string pki = bench::ensureDevPki();
  const auto portal_keys = testing::participantKeys("psw:02000001");
  auto portal = dsig::Signer::load(portal_keys.key, portal_keys.cert);
  if (!portal) throw std::runtime_error(portal.rejection().detail);
  const auto sign = [signer = *portal](const std::string& xml) {
    auto s = client::signDocument(xml, *signer);
    if (!s) throw std::runtime_error(s.rejection().toString());
    return std::move(*s);
  };
  std::printf(
      "1 KiB end to end, %llu messages per row, portal psw:02000001 signing with RSA-2048; a row "
      "ends\n"
      "when the last receipt reached its portal; broker CPU over the same interval.\n\n"
      "| pipeline | broker key | msg/s delivered | submit→ACCEPTED p50 / p99 (ms) | broker CPU "
      "µs/msg |\n"
      "|---|---|---|---|---|\n",
      static_cast<unsigned long long>(messages));
  for (const char* key : {"", "ec", "rsa"}) {
    std::string toml = kUnlimited;
    if (*key != '\0') {
      const auto broker_keys = testing::brokerKeys(key);
      toml +=
          "[pipeline]\nstages = [\"parse\", \"verify\", \"header\", \"route\", \"sign\", "
          "\"persist\"]\n\n"
          "[signatures]\ntrust = [\"" +
          pki + "/ca\", \"" + pki + "/crl\"]\nbroker_key = \"" + broker_keys.key.string() +
          "\"\nbroker_certificate = \"" + broker_keys.cert.string() + "\"\n\n" +
          testing::readFile(testing::pki() / "curve" / "participants.toml") + "\n";
    }
    testing::BrokerProcess broker(toml, "warn");
    broker.start();
    bench::LoadSpec spec = sampleLoad(broker, messages);
    spec.await_receipts = true;  // receipts are part of the work: the clock stops at the last one
    if (*key != '\0') spec.sign = sign;
    const double cpu_before = cpuSeconds(broker.pid());
    const auto r = bench::runLoad(spec);
    const double cpu = cpuSeconds(broker.pid()) - cpu_before;
    if (r.receipts < r.delivered) throw std::runtime_error("not every receipt arrived");
    std::printf("| %s | %s | %.0f | %.2f / %.2f | %.0f |\n",
                *key != '\0' ? "parse, verify, header, route, sign, persist"
                             : "parse, header, route, persist",
                *key == '\0' ? "none" : (std::string(key) == "ec" ? "ECDSA P-256" : "RSA-2048"),
                r.throughput, r.p50_ms, r.p99_ms, cpu * 1e6 / static_cast<double>(r.delivered));
    std::fflush(stdout);
    if (r.rejected != 0)
      throw std::runtime_error(std::to_string(r.rejected) + " messages rejected");
  }
  return 0;
}

int fill(std::uint64_t messages) {
  testing::BrokerProcess broker(kUnlimited, "warn");
  broker.start();
  auto portal = client::Client::connect({broker.endpoint(), "psw:bench-fill", v1::PORTAL});
  if (!portal) return 1;
  std::string uuid;
  const std::string base = client::MessageTemplate(sampleTemplate()).instantiateSized(1024, &uuid);
  const std::size_t at = base.find(uuid);
  std::string doc = base;
  std::uint64_t sent = 0, answered = 0;
  const auto start = std::chrono::steady_clock::now();
  while (answered < messages) {
    while (sent < messages && sent - answered < 1024) {
      doc.replace(at, uuid.size(), xoev::newUuid());
      (*portal)->post(doc);
      ++sent;
    }
    auto in = (*portal)->receive(std::chrono::seconds(10));
    if (!in) return 1;
    if (in->envelope.command() == v1::SUBMIT_RESULT) ++answered;
    if (answered % 100000 == 0 && in->envelope.command() == v1::SUBMIT_RESULT) {
      std::printf("%llu queued, broker RSS %ld KiB\n", static_cast<unsigned long long>(answered),
                  rssKiB(broker.pid(), "VmRSS:"));
      std::fflush(stdout);
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto status = (*portal)->status();
  std::printf(
      "queued %llu x 1 KiB in %.1f s (%.0f msg/s accepted, no consumer); broker RSS %ld KiB, "
      "peak %ld KiB; queue depth reported %llu\n",
      static_cast<unsigned long long>(messages), s, static_cast<double>(messages) / s,
      rssKiB(broker.pid(), "VmRSS:"), rssKiB(broker.pid(), "VmHWM:"),
      status ? static_cast<unsigned long long>(status->queues(0).depth()) : 0ULL);
  // A restart with the deep queue: memory stays bounded while the queue is read back.
  broker.stop(SIGTERM);
  const auto restart = std::chrono::steady_clock::now();
  broker.start();
  std::printf("restart with the deep queue: answering after %.1f s (store quick_check included)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - restart).count());
  auto backend = client::Client::connect(
      {broker.endpoint(), "bench-drain", v1::BACKEND, 256, {"hh-gewerbeamt"}});
  std::uint64_t drained = 0;
  while (drained < 50000) {
    auto in = (*backend)->receive(std::chrono::seconds(10));
    if (!in) break;
    if (in->envelope.command() != v1::DELIVER) continue;
    (*backend)->ack(in->envelope.deliver().delivery_id());
    ++drained;
  }
  std::printf(
      "after restart, %llu delivered from the deep queue: broker RSS %ld KiB, peak %ld KiB\n",
      static_cast<unsigned long long>(drained), rssKiB(broker.pid(), "VmRSS:"),
      rssKiB(broker.pid(), "VmHWM:"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ozgbus-bench"};
  app.require_subcommand(1);
  std::uint64_t small_n = 100000, large_n = 20000, fill_n = 1000000;
  auto* cmp = app.add_subcommand("compare", "broker vs bare ZeroMQ loop, 1 KiB and 16 KiB");
  cmp->add_option("--messages", small_n, "1 KiB messages")->capture_default_str();
  cmp->add_option("--large-messages", large_n, "16 KiB messages")->capture_default_str();
  std::string compare_store = "sqlite";
  cmp->add_option("--store", compare_store, "the broker's store: sqlite or postgres")
      ->check(CLI::IsMember({"sqlite", "postgres"}))
      ->capture_default_str();
  bench::LoadSpec spec;
  auto* load =
      app.add_subcommand("load", "load an already running broker (portals -> queue hh-gewerbeamt)");
  load->add_option("--broker", spec.endpoint)->required();
  load->add_option("--messages", spec.messages)->capture_default_str();
  load->add_option("--size", spec.size)->capture_default_str();
  load->add_option("--rate", spec.rate, "messages/s offered; 0 = as fast as possible")
      ->capture_default_str();
  load->add_option("--portals", spec.portals)->capture_default_str();
  load->add_option("--backends", spec.backends)->capture_default_str();
  load->add_option("--window", spec.window, "outstanding submissions per portal")
      ->capture_default_str();
  double schema_seconds = 2;
  auto* sch = app.add_subcommand("schema", "XSD validation vs parse cost, one core");
  sch->add_option("--seconds", schema_seconds, "per measurement")->capture_default_str();
  std::uint64_t curve_n = 50000;
  double sig_seconds = 2;
  auto* sig =
      app.add_subcommand("signature", "XML signature verify and sign vs their floors, one core");
  sig->add_option("--seconds", sig_seconds, "per measurement")->capture_default_str();
  double adapt_seconds = 2;
  auto* adp = app.add_subcommand("adapt", "XSLT translation vs parse cost, one core");
  adp->add_option("--seconds", adapt_seconds, "per measurement")->capture_default_str();
  std::uint64_t mon_n = 100000;
  int mon_rounds = 3;
  auto* mon = app.add_subcommand("monitoring",
                                 "1 KiB end to end, HTTP endpoint off vs on and scraped, same run");
  mon->add_option("--messages", mon_n, "per run")->capture_default_str();
  mon->add_option("--rounds", mon_rounds, "off/on pairs")->capture_default_str();
  double fair_rate = 500, fair_seconds = 10;
  auto* fair = app.add_subcommand(
      "fairness", "a portal's latency alone and beside one flooding at 10x its rate");
  fair->add_option("--rate", fair_rate, "per-participant submit rate (limits.submit_rate)")
      ->capture_default_str();
  fair->add_option("--seconds", fair_seconds, "per run")->capture_default_str();
  auto* crv = app.add_subcommand("curve", "4 KiB end to end with CURVE off and on, same run");
  crv->add_option("--messages", curve_n)->capture_default_str();
  double trace_rate = 10000;
  int trace_probes = 100;
  auto* trc =
      app.add_subcommand("trace", "time from a delivery's ACK to its trace showing it, under load");
  trc->add_option("--rate", trace_rate, "background 1 KiB load, msg/s")->capture_default_str();
  trc->add_option("--probes", trace_probes)->capture_default_str();
  std::uint64_t signed_n = 20000;
  auto* sgd = app.add_subcommand(
      "signed", "1 KiB end to end with verify + sign, broker key ECDSA and RSA, same run");
  sgd->add_option("--messages", signed_n)->capture_default_str();
  int kills = 20;
  double kill_rate = 3000;
  auto* kil =
      app.add_subcommand("kill", "random SIGKILLs under load: every ACCEPTED message delivered?");
  kil->add_option("--kills", kills)->capture_default_str();
  kil->add_option("--rate", kill_rate, "msg/s offered")->capture_default_str();
  double wal_seconds = 600, wal_rate = 3000;
  auto* wl =
      app.add_subcommand("wal", "the write-ahead log's size under sustained load with a consumer");
  wl->add_option("--seconds", wal_seconds)->capture_default_str();
  wl->add_option("--rate", wal_rate, "msg/s offered")->capture_default_str();
  std::uint64_t stores_n = 100000;
  int stores_rounds = 3;
  auto* sto = app.add_subcommand(
      "stores",
      "1 KiB end to end on SQLite, PostgreSQL one node and two nodes, interleaved, same run");
  sto->add_option("--messages", stores_n, "per run")->capture_default_str();
  sto->add_option("--rounds", stores_rounds)->capture_default_str();
  auto* fl = app.add_subcommand("fill", "broker memory with a deep queue");
  fl->add_option("--messages", fill_n)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  xml::initXml();
  dsig::initDsig();
  if (cmp->parsed()) return compare(small_n, large_n, compare_store);
  if (sto->parsed()) return stores(stores_n, stores_rounds);
  if (kil->parsed()) return bench::runKillBench(kills, kill_rate, sampleTemplate());
  if (wl->parsed()) return bench::runWalBench(wal_seconds, wal_rate, sampleTemplate());
  if (sch->parsed()) return bench::runSchemaBench(schema_seconds);
  if (sig->parsed()) return bench::runSignatureBench(sig_seconds);
  if (mon->parsed()) return monitoring(mon_n, mon_rounds);
  if (fair->parsed()) return fairness(fair_rate, fair_seconds);
  if (adp->parsed()) return bench::runAdapterBench(adapt_seconds);
  if (crv->parsed()) return compareCurve(curve_n);
  if (sgd->parsed()) return compareSigned(signed_n);
  if (trc->parsed()) return traceVisibility(trace_rate, trace_probes);
  if (load->parsed()) {
    spec.document_template = sampleTemplate();
    const auto r = bench::runLoad(spec);
    std::printf(
        "%.0f msg/s delivered (%llu accepted, %llu rejected) in %.1f s; submit->ACCEPTED "
        "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        r.throughput, static_cast<unsigned long long>(r.accepted),
        static_cast<unsigned long long>(r.rejected), r.seconds, r.p50_ms, r.p99_ms, r.max_ms);
    return 0;
  }
  return fill(fill_n);
}
