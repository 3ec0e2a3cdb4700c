// Participant: one entry of the participant registry ([[participants]] in ozgbus.toml): who may
// connect with which CURVE key, in which role, with which rights. A plain value.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ozgbus.pb.h"

namespace ozgbus::broker {

struct Participant {
  std::string id;  // e.g. "psw:02000001", bound to every connection with its key
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string curve_public_key;  // Z85, 40 characters
  std::string certificate_subject;
  std::string certificate_issuer;   // RFC 2253; empty: any CA of the trust store may have issued it
  std::vector<std::string> queues;  // back-end: queues it may receive from
  std::vector<std::string> services;  // portal: service keys it may submit; empty = any
  // Its signing certificate (PEM): while it is revoked, expired or untrusted, the participant's
  // connections are refused at the handshake. Empty: not checked at the transport.
  std::filesystem::path certificate_file;
  bool disabled = false;  // refused at the handshake, whatever its key
};

}  // namespace ozgbus::broker
