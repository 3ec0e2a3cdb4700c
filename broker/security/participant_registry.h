// ParticipantRegistry: who may connect (their CURVE public key), in which role, and with which
// rights (the queues a back-end receives from). Built from [[participants]] in ozgbus.toml;
// immutable once built, shared read-only between the transport and the ZAP handler threads.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/config/participant.h"
#include "core/dsig/trust_store.h"
#include "core/result.h"
#include "core/util/snapshot.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

class ParticipantRegistry {
 public:
  explicit ParticipantRegistry(std::vector<Participant> participants);
  // The same, with each participant's certificate file read; a rejection names the participant
  // and the file that cannot be read.
  static Result<std::shared_ptr<const ParticipantRegistry>> load(
      std::vector<Participant> participants);

  const Participant* byId(const std::string& id) const;
  const Participant* byCurveKey(const std::string& z85) const;
  // The participant whose X.509 certificate has this subject (RFC 2253), for signatures.
  const Participant* bySubject(const std::string& subject) const;
  std::size_t size() const { return by_id_.size(); }

  // Why this participant may not connect now: disabled in the registry, or its certificate
  // (when the registry has it) revoked, expired or untrusted by `trust`. Empty: it may.
  std::optional<std::string> refusal(const Participant& p, const dsig::TrustStore* trust) const;

 private:
  std::map<std::string, Participant> by_id_;
  std::map<std::string, std::string> id_by_key_;
  std::map<std::string, std::string> id_by_subject_;
  std::map<std::string, std::shared_ptr<X509>> certificates_;  // by id, where a file was given
};

// The registry in force. A reload swaps it atomically; a reader keeps the one it holds.
using CurrentParticipants = util::Snapshot<ParticipantRegistry>;

}  // namespace ozgbus::broker
