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

#include "ozgbus.pb.h"

namespace ozgbus::broker {

struct Participant {
  std::string id;                 // e.g. "psw:02000001", bound to every connection with its key
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string curve_public_key;   // Z85, 40 characters
  std::string certificate_subject;
  std::string certificate_issuer;  // RFC 2253; empty: any CA of the trust store may have issued it
  std::vector<std::string> queues;  // back-end: queues it may receive from
  std::vector<std::string> services;  // portal: service keys it may submit; empty = any
};

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
class CurrentParticipants {
 public:
  explicit CurrentParticipants(std::shared_ptr<const ParticipantRegistry> r) : r_(std::move(r)) {}
  std::shared_ptr<const ParticipantRegistry> get() const { return std::atomic_load(&r_); }
  void replace(std::shared_ptr<const ParticipantRegistry> r) { std::atomic_store(&r_, std::move(r)); }

 private:
  std::shared_ptr<const ParticipantRegistry> r_;
};

}  // namespace ozgbus::broker
