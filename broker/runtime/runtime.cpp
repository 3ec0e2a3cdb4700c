#include "broker/runtime/runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/dsig/signing_certificate.h"

namespace ozgbus::broker {
namespace {

// Participants whose certificate_issuer is the subject of no certificate in the trust store:
// every message they sign would be refused. Empty when there are none.
std::string unknownIssuers(const std::vector<Participant>& participants,
                           const dsig::TrustStore& trust) {
  std::string out;
  for (const Participant& p : participants) {
    if (p.certificate_issuer.empty() || trust.hasCertificateWithSubject(p.certificate_issuer))
      continue;
    out += (out.empty() ? "" : "; ") + std::string("participant ") + p.id +
           ": certificate_issuer '" + p.certificate_issuer +
           "' is the subject of no CA certificate in the trust store";
  }
  return out;
}

// Route destinations no registered back-end may receive from: messages routed there would wait
// for ever. Empty when every queue has a consumer.
std::string queuesWithoutConsumer(const BrokerConfig& c) {
  std::string out;
  for (std::size_t i = 0; i < c.routes.size(); ++i) {
    const std::string& q = c.routes[i].destination;
    const bool consumed =
        std::any_of(c.participants.begin(), c.participants.end(), [&q](const Participant& p) {
          if (p.role != v1::BACKEND) return false;
          return p.queues.empty()
                     ? p.id == q
                     : std::find(p.queues.begin(), p.queues.end(), q) != p.queues.end();
        });
    if (!consumed) {
      out += (out.empty() ? "" : "; ") + std::string("routes[") + std::to_string(i) +
             "].destination '" + q + "': no registered back-end may receive from this queue";
    }
  }
  return out;
}

Result<std::shared_ptr<const AdapterSet>> loadAdapters(const BrokerConfig& c) {
  auto set = AdapterSet::load(c.adapter_folders);
  if (!set) return set.rejection();
  // Every output must be checkable before it is delivered.
  for (const Adapter& a : (*set)->adapters()) {
    for (const CompiledMapping& m : a.mappings) {
      if (std::find(c.schemas.namespaces.begin(), c.schemas.namespaces.end(), m.spec.output) ==
          c.schemas.namespaces.end()) {
        return reject(v1::NO_ADAPTER_MAPPING, "adapter '" + a.manifest.name + "' gives " +
                                                  m.spec.output +
                                                  ", which is not in [schemas] namespaces");
      }
    }
    spdlog::info("adapter '{}' (ARS {}): {}", a.manifest.name,
                 a.manifest.ars_prefixes.empty()
                     ? "-"
                     : fmt::format("{}", fmt::join(a.manifest.ars_prefixes, ", ")),
                 a.describeMappings());
  }
  return set;
}

}  // namespace

Runtime::Runtime(BrokerConfig config) : config_(std::move(config)) {}

Result<std::unique_ptr<Runtime>> Runtime::load(BrokerConfig config) {
  std::unique_ptr<Runtime> r(new Runtime(std::move(config)));
  if (auto failed = r->apply(r->config_, true)) return *failed;
  if (auto failed = r->loadSigner()) return *failed;
  return r;
}

bool Runtime::reload() {
  auto file = loadConfig(config_.source);
  if (!file) {
    spdlog::error("reload failed; the previous configuration stays in force: {}",
                  file.rejection().detail);
    return false;
  }
  apply(*file, false);
  return true;
}

std::optional<Rejection> Runtime::apply(const BrokerConfig& c, bool starting) {
  const char* verb = starting ? "loaded" : "reloaded";
  // A part that fails: at start the reason, on reload a log line (the old part stays).
  const auto failed = [starting](const char* what_stays,
                                 const Rejection& why) -> std::optional<Rejection> {
    if (starting) return why;
    spdlog::error("{}: {}", what_stays, why.detail);
    return std::nullopt;
  };

  if (auto registry = ParticipantRegistry::load(c.participants)) {
    participants_.replace(*registry);
    if (!starting) config_.participants = c.participants;
    spdlog::info("participant registry {}: {} participants", verb, (*registry)->size());
  } else if (auto stop =
                 failed("participant registry reload failed; the previous one stays in force",
                        registry.rejection())) {
    return stop;
  }
  // A route to a queue no registered back-end may read would fill it for nobody. Without a
  // registry (development) anyone may say HELLO for any queue: a warning only.
  const std::string orphans = queuesWithoutConsumer(c);
  if (!orphans.empty() && !c.participants.empty()) {
    if (auto stop = failed("routes reload failed; the previous routes stay in force",
                           reject(v1::REASON_UNSPECIFIED, c.source.string() + ": " + orphans)))
      return stop;
  } else {
    if (!orphans.empty()) spdlog::warn("{}", orphans);
    routes_.replace(std::make_shared<const RoutingTable>(c.routes));
    if (!starting) config_.routes = c.routes;
    spdlog::info("routes {}: {}", verb, c.routes.size());
  }

  if (!c.signatures.trust.empty()) {
    auto trust = dsig::TrustStore::load(c.signatures.trust);
    if (!trust) {
      if (auto stop = failed("trust store reload failed; the previous one stays in force",
                             trust.rejection()))
        return stop;
    } else {
      if ((*trust)->crls() == 0)
        spdlog::warn("trust store has no CRL: revoked certificates will be accepted");
      spdlog::info("trust store {}: {} CA certificates, {} CRLs", verb, (*trust)->certificates(),
                   (*trust)->crls());
      if (const std::string unknown = unknownIssuers(c.participants, **trust); !unknown.empty()) {
        if (starting) return reject(v1::CERT_UNTRUSTED, unknown);
        spdlog::error("after the reload: {}", unknown);
      }
      trust_.replace(std::move(*trust));
    }
  }
  if (!c.adapter_folders.empty()) {
    // Atomically: a broken adapter leaves the whole previous set in force.
    if (auto adapters = loadAdapters(c)) {
      adapters_.replace(std::move(*adapters));
    } else if (auto stop = failed("adapter reload failed; the previous adapters stay in force",
                                  adapters.rejection())) {
      return stop;
    }
  }
  // Compiled here only to check them; the workers compile their own.
  if (auto compiled = xoev::HeaderReader::compile(c.headers)) {
    headers_.replace(std::make_shared<const xoev::HeaderMappings>(c.headers));
    if (!c.headers.empty()) spdlog::info("header mappings {}: {}", verb, c.headers.size());
  } else if (auto stop = failed("header mapping reload failed; the previous mappings stay in force",
                                compiled.rejection())) {
    return stop;
  }
  if (!c.schemas.namespaces.empty()) {
    if (auto fresh = schema::SchemaRegistry::load({c.schemas.catalogs, c.schemas.namespaces})) {
      schemas_.replace(std::move(*fresh));
      config_.schemas = c.schemas;
      spdlog::info("schemas {}: {} namespaces", verb, c.schemas.namespaces.size());
    } else if (auto stop = failed("schema reload failed; the previous schema set stays in force",
                                  fresh.rejection())) {
      return stop;
    }
  }
  return std::nullopt;
}

std::optional<Rejection> Runtime::loadSigner() {
  const SignatureConfig& s = config_.signatures;
  if (s.key.empty()) return std::nullopt;
  auto signer = dsig::Signer::load(s.key, s.certificate);
  if (!signer) return signer.rejection();
  // Back-ends hold the broker's signatures to the same rules the broker holds portals to.
  if (auto unfit = dsig::checkSigningCertificateFile(s.certificate)) {
    return reject(unfit->reason, "signatures.certificate: " + unfit->detail);
  }
  signer_ = std::move(*signer);
  spdlog::info("broker signs as '{}' ({})", signer_->subject(),
               signer_->ecdsa() ? "ECDSA P-256" : "RSA");
  return std::nullopt;
}

}  // namespace ozgbus::broker
