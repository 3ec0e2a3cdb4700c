#include "broker/security/participant_registry.h"

namespace ozgbus::broker {

ParticipantRegistry::ParticipantRegistry(std::vector<Participant> participants) {
  for (Participant& p : participants) {
    id_by_key_[p.curve_public_key] = p.id;
    if (!p.certificate_subject.empty()) id_by_subject_[p.certificate_subject] = p.id;
    by_id_[p.id] = std::move(p);
  }
}

Result<std::shared_ptr<const ParticipantRegistry>> ParticipantRegistry::load(
    std::vector<Participant> participants) {
  std::map<std::string, std::shared_ptr<X509>> certificates;
  for (const Participant& p : participants) {
    if (p.certificate_file.empty()) continue;
    auto cert = dsig::readPemCertificate(p.certificate_file);
    if (!cert)
      return reject(cert.rejection().reason,
                    "participant " + p.id + ": " + cert.rejection().detail);
    certificates[p.id] = std::shared_ptr<X509>(cert->release(), dsig::X509Deleter{});
  }
  auto registry = std::make_shared<ParticipantRegistry>(std::move(participants));
  registry->certificates_ = std::move(certificates);
  return std::shared_ptr<const ParticipantRegistry>(std::move(registry));
}

std::optional<std::string> ParticipantRegistry::refusal(const Participant& p,
                                                        const dsig::TrustStore* trust) const {
  if (p.disabled) return "participant " + p.id + " is disabled in the registry";
  auto it = certificates_.find(p.id);
  if (it == certificates_.end() || trust == nullptr) return std::nullopt;
  if (auto bad = trust->verify(it->second.get())) {
    return "participant " + p.id + "'s certificate is not valid now (" + bad->toString() + ")";
  }
  return std::nullopt;
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
