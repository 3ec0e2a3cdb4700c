// The stages the broker knows by name. One line per stage.
#include "broker/pipeline/adapt_stage.h"
#include "broker/pipeline/header_stage.h"
#include "broker/pipeline/parse_stage.h"
#include "broker/pipeline/persist_stage.h"
#include "broker/pipeline/pipeline.h"
#include "broker/pipeline/route_stage.h"
#include "broker/pipeline/sign_stage.h"
#include "broker/pipeline/verify_stage.h"
#include "broker/pipeline/validate_stage.h"

namespace ozgbus::broker {

const StageRegistry& StageRegistry::builtin() {
  static const StageRegistry registry = [] {
    StageRegistry r;
    r.add("parse", [](const StageContext& c) { return std::make_unique<ParseStage>(c.config.limits); });
    r.add("verify", [](const StageContext& c) {
      return std::make_unique<VerifyStage>(
          c.trust, c.participants,
          dsig::VerifierOptions{c.config.signatures.cache_entries, c.config.signatures.cache_ttl});
    });
    r.add("header", [](const StageContext& c) {
      return std::make_unique<HeaderStage>(c.participants, c.secure);
    });
    r.add("adapt", [](const StageContext& c) { return std::make_unique<AdaptStage>(c.adapters, c.schemas); });
    r.add("sign", [](const StageContext& c) { return std::make_unique<SignStage>(c.signer); });
    r.add("validate", [](const StageContext& c) { return std::make_unique<ValidateStage>(c.schemas); });
    r.add("route", [](const StageContext& c) { return std::make_unique<RouteStage>(c.routes); });
    r.add("persist", [](const StageContext& c) { return std::make_unique<PersistStage>(c.committer); });
    return r;
  }();
  return registry;
}

}  // namespace ozgbus::broker
