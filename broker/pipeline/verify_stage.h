// VerifyStage: the submission's XML signature must verify against the trust store, and its
// certificate must belong to a registered participant. Runs on the parsed document that every
// later stage reads, so what was verified is what is validated, routed and stored. The
// participant is then checked against the header's author by the header stage.
#pragma once

#include "broker/pipeline/stage.h"
#include "broker/security/participant_registry.h"
#include "core/dsig/trust_store.h"
#include "core/dsig/verifier.h"

namespace ozgbus::broker {

class VerifyStage final : public Stage {
 public:
  VerifyStage(const dsig::CurrentTrustStore& trust, const CurrentParticipants& participants,
              dsig::VerifierOptions options)
      : trust_(trust), participants_(participants), verifier_(options) {}
  std::string_view name() const override { return "verify"; }
  std::optional<Rejection> process(Message& message) override {
    const auto trust = trust_.get();
    if (!trust) return reject(v1::INTERNAL, "no trust store loaded");
    // A replayed dead letter was verified when it arrived; its author's certificate may have
    // expired while it waited for a fix, which must not make it undeliverable. Only that is
    // forgiven: revocation and the CRLs' own validity are checked as for any message.
    const bool replay = message.replace_id != 0;
    std::optional<std::chrono::system_clock::time_point> received_at;
    if (replay) received_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(message.first_received_at_ms));
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
      return reject(v1::NOT_AUTHORIZED, "certificate '" + signer->subject + "' was issued by '" + signer->issuer +
                                            "', but participant " + p->id + "'s certificates come from '" +
                                            p->certificate_issuer + "' (certificate_issuer)");
    }
    message.signer = p->id;
    message.note = "signed by " + p->id + " (" + signer->subject + ")" +
                   (replay ? "; on replay a certificate valid when the message arrived counts as valid" : "");
    message.signer_subject = std::move(signer->subject);
    return std::nullopt;
  }

 private:
  const dsig::CurrentTrustStore& trust_;
  const CurrentParticipants& participants_;
  dsig::Verifier verifier_;  // per thread: its context and certificate cache
};

}  // namespace ozgbus::broker
