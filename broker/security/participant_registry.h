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
#include "core/util/snapshot.h"
#include "ozgbus.pb.h"

namespace ozgbus::broker {

class ParticipantRegistry {
 public:
  explicit ParticipantRegistry(std::vector<Participant> participants);

  const Participant* byId(const std::string& id) const;
  const Participant* byCurveKey(const std::string& z85) const;
  // The participant whose X.509 certificate has this subject (RFC 2253), for signatures.
  const Participant* bySubject(const std::string& subject) const;
  std::size_t size() const { return by_id_.size(); }

 private:
  std::map<std::string, Participant> by_id_;
  std::map<std::string, std::string> id_by_key_;
  std::map<std::string, std::string> id_by_subject_;
};

// The registry in force. A reload swaps it atomically; a reader keeps the one it holds.
using CurrentParticipants = util::Snapshot<ParticipantRegistry>;

}  // namespace ozgbus::broker
