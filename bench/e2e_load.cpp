#include "bench/e2e_load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "client/message_template.h"
#include "core/xoev/uuid.h"

namespace ozgbus::bench {
namespace {

using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::unique_ptr<client::Client> connect(const LoadSpec& spec, unsigned index, v1::Role role,
                                        std::uint32_t credit = 0) {
  const bool portal = role == v1::PORTAL;
  const std::size_t node = index % (spec.more_endpoints.size() + 1);
  client::Options o{node == 0 ? spec.endpoint : spec.more_endpoints[node - 1],
                    portal ? "psw:02000001" : "hh-gewerbeamt", role, credit};
  if (!spec.server_key.empty()) {
    const auto& k = portal ? spec.portal_keys : spec.backend_keys;
    o.server_public_key = spec.server_key;
    o.public_key = k.public_key;
    o.secret_key = k.secret_key;
  }
  auto c = client::Client::connect(o);
  if (!c) throw std::runtime_error(o.participant + ": " + c.rejection().toString());
  return std::move(*c);
}

struct Shared {
  std::atomic<std::uint64_t> accepted{0}, delivered{0}, rejected{0}, receipts{0};
  std::atomic<bool> done{false};
};

std::vector<double> runPortal(const LoadSpec& spec, unsigned index, std::uint64_t count,
                              const std::vector<std::string>& presigned, Shared& shared) {
  // One padded document; each submission overwrites its UUID in a copy (cheap next to the
  // broker's work, so the load generator measures the broker, not itself).
  std::string uuid;
  const std::string base =
      client::MessageTemplate(spec.document_template).instantiateSized(spec.size, &uuid);
  const std::size_t uuid_at = base.find(uuid);
  std::string doc = base;

  auto c = connect(spec, index, v1::PORTAL);
  std::unordered_map<std::uint64_t, Steady::time_point> sent_at;
  std::vector<double> latencies;
  latencies.reserve(count);
  const double per_portal_rate = spec.rate / spec.portals;
  const auto start = Steady::now();
  std::uint64_t next = 0;
  std::uint64_t answered = 0;
  while (answered < count || !shared.done) {
    auto wait = std::chrono::milliseconds(50);
    while (next < count && sent_at.size() < spec.window) {
      if (per_portal_rate > 0) {
        const auto due =
            start + std::chrono::duration_cast<Steady::duration>(
                        std::chrono::duration<double>(static_cast<double>(next) / per_portal_rate));
        if (Steady::now() < due) {
          // At least 1 ms: a shorter wait would spin in poll and take the cores the broker
          // needs; what became due meanwhile goes out together at the next turn.
          wait = std::max(std::chrono::milliseconds(1),
                          std::chrono::ceil<std::chrono::milliseconds>(due - Steady::now()));
          break;
        }
      }
      if (presigned.empty()) {
        doc.replace(uuid_at, uuid.size(), xoev::newUuid());
        sent_at.emplace(c->post(doc), Steady::now());
      } else {
        sent_at.emplace(c->post(presigned[next]), Steady::now());
      }
      ++next;
    }
    auto in = c->receive(wait);
    if (!in) continue;
    const v1::Envelope& e = in->envelope;
    if (e.command() == v1::SUBMIT_RESULT) {
      auto it = sent_at.find(e.correlation_id());
      if (it == sent_at.end()) continue;
      latencies.push_back(
          std::chrono::duration<double, std::milli>(Steady::now() - it->second).count());
      sent_at.erase(it);
      ++answered;
      (e.submit_result().accepted() ? shared.accepted : shared.rejected)++;
    } else if (e.command() == v1::RECEIPT) {
      c->ackReceipt(e.receipt().receipt_id());
      shared.receipts++;
    }
  }
  return latencies;
}

void runBackend(const LoadSpec& spec, unsigned index, Shared& shared) {
  auto c = connect(spec, index, v1::BACKEND, 256);
  while (!shared.done) {
    auto in = c->receive(50ms);
    if (!in || in->envelope.command() != v1::DELIVER) continue;
    c->ack(in->envelope.deliver().delivery_id());
    shared.delivered++;
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

LoadResult runLoad(const LoadSpec& spec) {
  Shared shared;
  std::vector<std::thread> backends;
  for (unsigned i = 0; i < spec.backends; ++i)
    backends.emplace_back(runBackend, std::cref(spec), i, std::ref(shared));
  std::vector<std::vector<double>> latencies(spec.portals);
  std::vector<std::vector<std::string>> presigned(spec.portals);
  const auto shareOf = [&](unsigned i) {
    return spec.messages / spec.portals + (i < spec.messages % spec.portals ? 1 : 0);
  };
  if (spec.sign) {
    const client::MessageTemplate tmpl(spec.document_template);
    for (unsigned i = 0; i < spec.portals; ++i) {
      for (std::uint64_t k = 0; k < shareOf(i); ++k)
        presigned[i].push_back(spec.sign(tmpl.instantiateSized(spec.size)));
    }
  }
  std::vector<std::thread> portals;
  const auto start = Steady::now();
  for (unsigned i = 0; i < spec.portals; ++i) {
    portals.emplace_back(
        [&, i] { latencies[i] = runPortal(spec, i, shareOf(i), presigned[i], shared); });
  }
  const auto deadline = Steady::now() + 600s;
  const auto finished = [&] {
    const std::uint64_t expected = spec.messages - shared.rejected;
    return shared.delivered >= expected && (!spec.await_receipts || shared.receipts >= expected);
  };
  while (!finished() && Steady::now() < deadline) std::this_thread::sleep_for(1ms);
  const auto end = Steady::now();
  shared.done = true;
  for (auto& t : portals) t.join();
  for (auto& t : backends) t.join();

  LoadResult r;
  r.seconds = std::chrono::duration<double>(end - start).count();
  r.accepted = shared.accepted;
  r.delivered = shared.delivered;
  r.rejected = shared.rejected;
  r.receipts = shared.receipts;
  r.throughput = static_cast<double>(r.delivered) / r.seconds;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  r.p50_ms = percentile(all, 0.50);
  r.p99_ms = percentile(all, 0.99);
  r.max_ms = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  return r;
}

}  // namespace ozgbus::bench
