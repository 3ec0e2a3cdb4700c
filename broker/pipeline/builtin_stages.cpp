// The stages the broker knows by name. One line per stage.
#include "broker/pipeline/adapt_stage.h"
#include "broker/pipeline/header_stage.h"
#include "broker/pipeline/parse_stage.h"
#include "broker/pipeline/persist_stage.h"
#include "broker/pipeline/route_stage.h"
#include "broker/pipeline/sign_stage.h"
#include "broker/pipeline/stage_registry.h"
#include "broker/pipeline/validate_stage.h"
#include "broker/pipeline/verify_stage.h"

namespace ozgbus::broker {

const StageRegistry& StageRegistry::builtin() {
  static const StageRegistry registry = [] {
    StageRegistry r;
    r.add("parse", &ParseStage::create);
    r.add("verify", &VerifyStage::create);
    r.add("validate", &ValidateStage::create);
    r.add("header", &HeaderStage::create);
    r.add("route", &RouteStage::create);
    r.add("adapt", &AdaptStage::create);
    r.add("sign", &SignStage::create);
    r.add("persist", &PersistStage::create);
    return r;
  }();
  return registry;
}

}  // namespace ozgbus::broker
