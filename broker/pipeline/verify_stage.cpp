#include "broker/pipeline/verify_stage.h"

#include "broker/pipeline/stage_registry.h"
#include "broker/runtime/runtime.h"

namespace ozgbus::broker {

Result<StagePtr> VerifyStage::create(const StageContext& ctx, const StagePlacement& at) {
  const SignatureConfig& s = ctx.runtime.config().signatures;
  if (s.trust.empty())
    return stageSettingError(ctx,
                             "signatures.trust is required when pipeline.stages has \"verify\"");
  if (!at.after("header")) {
    return stageSettingError(
        ctx,
        "pipeline.stages: \"verify\" needs \"header\" after it (the header's author "
        "must be the signer)");
  }
  return StagePtr(
      std::make_unique<VerifyStage>(ctx.runtime.trust(), ctx.runtime.participants(),
                                    dsig::VerifierOptions{s.cache_entries, s.cache_ttl}));
}

std::optional<Rejection> VerifyStage::process(Message& message) {
  const auto trust = trust_.get();
  if (!trust) return reject(v1::INTERNAL, "no trust store loaded");
  // A replayed dead letter was verified when it arrived; its author's certificate may have
  // expired while it waited for a fix, which must not make it undeliverable. Only that is
  // forgiven: revocation and the CRLs' own validity are checked as for any message.
  const FromReplay* replay = message.replay();
  std::optional<std::chrono::system_clock::time_point> received_at;
  if (replay) {
    received_at = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(replay->first_received_at_ms));
  }
  auto signer = verifier_.verify(message.doc.get(), *trust, received_at);
  if (!signer) return signer.rejection();
  const Participant* p = participants_.get()->bySubject(signer->subject);
  if (p == nullptr) {
    return reject(v1::NOT_AUTHORIZED, "certificate '" + signer->subject +
                                          "' is trusted but is no participant's "
                                          "certificate_subject in the registry");
  }
  // With several CAs in the trust store, any of them could issue a certificate with another
  // participant's subject; the registry may name the one that issues this participant's.
  if (!p->certificate_issuer.empty() && p->certificate_issuer != signer->issuer) {
    return reject(v1::NOT_AUTHORIZED, "certificate '" + signer->subject + "' was issued by '" +
                                          signer->issuer + "', but participant " + p->id +
                                          "'s certificates come from '" + p->certificate_issuer +
                                          "' (certificate_issuer)");
  }
  message.signer = p->id;
  message.note =
      "signed by " + p->id + " (" + signer->subject + ")" +
      (replay ? "; on replay a certificate valid when the message arrived counts as valid" : "");
  message.signer_subject = std::move(signer->subject);
  return std::nullopt;
}

}  // namespace ozgbus::broker
