// Runtime: everything the broker builds from its configuration and may build again on SIGHUP —
// the participant registry, the trust store, the schema set, the adapters — plus what is built
// once (the routes, the broker's signing key). One function (apply) loads them at start and at
// every reload: at start a part that fails stops the broker; on reload it is logged and the part
// in force stays. The parts are snapshots: any thread reads them (get()), readers keep the
// version they took; load() and reload() are called by one thread (the transport's).
#pragma once

#include <memory>
#include <optional>

#include "broker/adapt/adapter_set.h"
#include "broker/config/config.h"
#include "broker/routing/routing_table.h"
#include "broker/security/participant_registry.h"
#include "core/dsig/signer.h"
#include "core/dsig/trust_store.h"
#include "core/result.h"
#include "core/schema/schema_registry.h"
#include "core/util/snapshot.h"
#include "core/xoev/header_mapping.h"

namespace ozgbus::broker {

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> load(BrokerConfig config);

  // Reads the configuration file again and applies what may change while running; what fails
  // to load keeps the version in force. False when the file itself cannot be read.
  bool reload();

  const BrokerConfig& config() const { return config_; }
  // [[routes]], replaced on reload (a route to a queue no back-end may read keeps the old table).
  const util::Snapshot<RoutingTable>& routes() const { return routes_; }
  const CurrentParticipants& participants() const { return participants_; }
  const dsig::CurrentTrustStore& trust() const { return trust_; }
  const schema::CurrentRegistry& schemas() const { return schemas_; }
  const CurrentAdapters& adapters() const { return adapters_; }
  // [[headers]]: each worker compiles its own HeaderReader from the version in force.
  const util::Snapshot<xoev::HeaderMappings>& headers() const { return headers_; }
  // Null without [signatures] broker_key.
  const std::shared_ptr<const dsig::Signer>& signer() const { return signer_; }
  // CURVE on: a connection's participant is authenticated (not broker.insecure).
  bool secure() const { return !config_.insecure; }

  // Whether each configured part has loaded (for /readyz and the overview).
  bool schemasLoaded() const {
    return config_.schemas.namespaces.empty() || schemas_.get() != nullptr;
  }
  bool adaptersLoaded() const {
    return config_.adapter_folders.empty() || adapters_.get() != nullptr;
  }
  bool trustLoaded() const { return config_.signatures.trust.empty() || trust_.get() != nullptr; }

 private:
  explicit Runtime(BrokerConfig config);
  // Loads every reloadable part of `c`; starting: the first failure is returned, else each
  // failure is logged and the old part kept.
  std::optional<Rejection> apply(const BrokerConfig& c, bool starting);
  std::optional<Rejection> loadSigner();

  BrokerConfig config_;
  util::Snapshot<RoutingTable> routes_;
  CurrentParticipants participants_;
  dsig::CurrentTrustStore trust_;
  schema::CurrentRegistry schemas_;
  CurrentAdapters adapters_;
  util::Snapshot<xoev::HeaderMappings> headers_;
  std::shared_ptr<const dsig::Signer> signer_;
};

}  // namespace ozgbus::broker
