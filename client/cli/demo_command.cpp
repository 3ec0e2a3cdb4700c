// ozgbus demo: sample portals and back-ends exchanging messages through a running broker,
// then a flow summary. Portals submit the sample documents with fresh ids plus a few bad ones
// (so the summary shows rejections with reasons); back-ends write nothing, ACK most and NACK
// every 25th (so portals get both kinds of receipt). With --pki (certs/make-dev-pki.sh's
// folder) every participant connects with its CURVE key and portals sign what they send.
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "client/cli/commands.h"
#include "client/client.h"
#include "client/message_template.h"
#include "client/signing.h"
#include "core/wire/curve_keys.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "core/xoev/uuid.h"

namespace ozgbus::cli {
namespace {

using namespace std::chrono_literals;

struct DemoArgs {
  std::string broker = "tcp://127.0.0.1:7755";
  std::string samples = "samples/messages";
  std::vector<std::string> backends = {"hh-gewerbeamt", "hh-meldeamt", "sh-kiel-buergeramt",
                                       "by-muenchen-kvr"};
  int messages = 40;  // per sample document
  std::string pki;    // development PKI: CURVE keys and signing keys of the participants
};

std::string fileName(std::string id) {
  for (char& c : id) {
    if (c == ':') c = '_';
  }
  return id;
}

// Connection options for a participant: with --pki, its CURVE key pair and the broker's key.
client::Options optionsFor(const DemoArgs& a, const std::string& id, v1::Role role,
                           std::uint32_t credit = 0) {
  client::Options o{a.broker, id, role, credit};
  if (a.pki.empty()) return o;
  auto mine = wire::loadCurveKeys(a.pki + "/curve/" + fileName(id) + ".key");
  auto broker = wire::loadCurveKeys(a.pki + "/curve/broker.pub");
  if (mine && broker) {
    o.public_key = mine->public_key;
    o.secret_key = mine->secret_key;
    o.server_public_key = broker->public_key;
  } else {
    std::cerr << id << ": no CURVE keys in " << a.pki << "/curve\n";
  }
  return o;
}

// With --pki the portal signs with its own key; documents that cannot be parsed stay as they are.
std::string signedBy(const DemoArgs& a, const std::string& id, std::string doc) {
  if (a.pki.empty()) return doc;
  const std::string base = a.pki + "/participants/" + fileName(id);
  auto signer = dsig::Signer::load(base + ".key.pem", base + ".cert.pem");
  if (!signer) return doc;
  auto signed_doc = client::signDocument(doc, **signer);
  return signed_doc ? *signed_doc : doc;
}

struct Summary {
  std::mutex mu;
  std::map<std::string, int> submitted, accepted, rejected_by_reason, delivered, nacked, receipts;
};

std::string authorOf(const std::string& doc) {
  auto parsed = xml::parseSecure(doc, {});
  if (!parsed) return {};
  auto header = xoev::readHeader(parsed->get());
  return header ? header->author : std::string();
}

void runBackend(const DemoArgs& a, const std::string& name, Summary& sum, std::atomic<bool>& stop) {
  auto c = client::Client::connect(optionsFor(a, name, v1::BACKEND, 32));
  if (!c) {
    std::cerr << name << ": " << c.rejection().toString() << "\n";
    return;
  }
  int n = 0;
  while (!stop) {
    auto in = (*c)->receive(200ms);
    if (!in || in->envelope.command() != v1::DELIVER) continue;
    const auto& d = in->envelope.deliver();
    std::lock_guard lock(sum.mu);
    if (++n % 25 == 0) {
      (*c)->nack(d.delivery_id(), v1::REJECTED_BY_RECEIVER,
                 "Fachverfahren: Pflichtangabe Nachweis fehlt", false);
      ++sum.nacked[name];
    } else {
      (*c)->ack(d.delivery_id());
      ++sum.delivered[name];
    }
  }
}

void runPortal(const DemoArgs& a, const std::string& portal, const std::vector<std::string>& docs,
               Summary& sum, int expected_receipts, std::atomic<int>& receipts_done) {
  auto c = client::Client::connect(optionsFor(a, portal, v1::PORTAL));
  if (!c) {
    std::cerr << portal << ": " << c.rejection().toString() << "\n";
    return;
  }
  for (const std::string& doc : docs) {
    auto r = (*c)->submit(doc);
    std::lock_guard lock(sum.mu);
    ++sum.submitted[portal];
    if (r && r->accepted()) {
      ++sum.accepted[r->destination()];
    } else {
      ++sum.rejected_by_reason[r ? reasonName(r->reason()) : r.rejection().toString()];
    }
  }
  int got = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got < expected_receipts && std::chrono::steady_clock::now() < deadline) {
    auto in = (*c)->receive(200ms);
    if (!in || in->envelope.command() != v1::RECEIPT) continue;
    (*c)->ackReceipt(in->envelope.receipt().receipt_id());
    ++got;
    std::lock_guard lock(sum.mu);
    ++sum.receipts[v1::ReceiptOutcome_Name(in->envelope.receipt().outcome())];
  }
  receipts_done += got;
}

int runDemo(const DemoArgs& a) {
  const auto templates = client::MessageTemplate::loadAll(a.samples);
  if (templates.empty()) {
    std::cerr << "ozgbus demo: no *.xml templates in " << a.samples << "\n";
    return 2;
  }
  std::map<std::string, std::vector<std::string>> by_portal;
  std::map<std::string, int> good_per_portal;
  for (const auto& t : templates) {
    for (int i = 0; i < a.messages; ++i) {
      std::string doc = t.instantiate();
      const std::string portal = authorOf(doc);
      by_portal[portal].push_back(std::move(doc));
      ++good_per_portal[portal];
    }
  }
  // A few bad ones from the first portal, so the summary shows what a rejection looks like.
  auto& first = by_portal.begin()->second;
  first.push_back("this is not XML");
  first.push_back(R"(<x:antrag xmlns:x="urn:demo"><kein>kopf</kein></x:antrag>)");
  std::string unrouted = templates.front().instantiate();
  unrouted.replace(unrouted.find("<kennung>ars:"), 25, "<kennung>ars:990000000000");
  first.push_back(unrouted);
  std::string invalid = templates.front().instantiate();  // breaks the schema: version is fixed
  const auto version = invalid.find(" version=\"", invalid.find("?>"));
  invalid.replace(version, 14, " version=\"9.9\"");
  first.push_back(invalid);
  for (auto& [portal, docs] : by_portal) {
    for (auto& doc : docs) doc = signedBy(a, portal, std::move(doc));
  }
  // A retry: the same signed bytes again, accepted again and stored once. (Signed once more, the
  // bytes would differ — ECDSA signatures do — and the broker would refuse DUPLICATE_CONFLICT.)
  first.push_back(first.front());
  if (!a.pki.empty()) {
    // Changed after signing: the broker must notice.
    std::string forged = first.front();
    forged.replace(forged.find("<nachrichtenUUID>") + 17, 36, xoev::newUuid());
    first.push_back(forged);
  }

  Summary sum;
  std::atomic<bool> stop{false};
  std::vector<std::thread> backends;
  for (const auto& b : a.backends) {
    backends.emplace_back(runBackend, std::cref(a), b, std::ref(sum), std::ref(stop));
  }
  std::this_thread::sleep_for(300ms);
  std::atomic<int> receipts{0};
  std::vector<std::thread> portals;
  for (const auto& [portal, docs] : by_portal) {
    portals.emplace_back(runPortal, std::cref(a), portal, std::cref(docs), std::ref(sum),
                         good_per_portal[portal], std::ref(receipts));
  }
  for (auto& t : portals) t.join();
  stop = true;
  for (auto& t : backends) t.join();

  std::cout << "\nozgbus demo — flow summary\n\n  submitted by portal:\n";
  for (const auto& [k, v] : sum.submitted) std::cout << "    " << k << ": " << v << "\n";
  std::cout
      << "  accepted, delivered (ACK) and rejected by the back-end (NACK), per destination:\n";
  for (const auto& [k, v] : sum.accepted) {
    std::cout << "    " << k << ": accepted " << v << ", delivered " << sum.delivered[k]
              << ", rejected by back-end " << sum.nacked[k] << "\n";
  }
  std::cout << "  rejected at submit, by reason:\n";
  for (const auto& [k, v] : sum.rejected_by_reason) std::cout << "    " << k << ": " << v << "\n";
  std::cout << "  receipts back at the portals:\n";
  for (const auto& [k, v] : sum.receipts) std::cout << "    " << k << ": " << v << "\n";
  std::cout << std::endl;
  return 0;
}

}  // namespace

void registerDemo(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "sample portals and back-ends exchanging messages");
  cmd->add_option("--broker", args->broker, "broker endpoint")->capture_default_str();
  cmd->add_option("--samples", args->samples, "folder of message templates")->capture_default_str();
  cmd->add_option("--backend", args->backends, "back-end participants to run")
      ->allow_extra_args(false);
  cmd->add_option("--messages", args->messages, "messages per template")->capture_default_str();
  cmd->add_option("--pki", args->pki, "development PKI folder: CURVE keys, signing keys")
      ->check(CLI::ExistingDirectory);
  cmd->callback([args, &exit_code] { exit_code = runDemo(*args); });
}

}  // namespace ozgbus::cli
