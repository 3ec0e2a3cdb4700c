#include "broker/security/participant_registry.h"

namespace ozgbus::broker {

ParticipantRegistry::ParticipantRegistry(std::vector<Participant> participants) {
  for (Participant& p : participants) {
    id_by_key_[p.curve_public_key] = p.id;
    if (!p.certificate_subject.empty()) id_by_subject_[p.certificate_subject] = p.id;
    by_id_[p.id] = std::move(p);
  }
}

const Participant* ParticipantRegistry::byId(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const Participant* ParticipantRegistry::byCurveKey(const std::string& z85) const {
  auto it = id_by_key_.find(z85);
  return it == id_by_key_.end() ? nullptr : byId(it->second);
}

const Participant* ParticipantRegistry::bySubject(const std::string& subject) const {
  auto it = id_by_subject_.find(subject);
  return it == id_by_subject_.end() ? nullptr : byId(it->second);
}

}  // namespace ozgbus::broker
