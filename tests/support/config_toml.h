// Configuration fragments the integration tests share, for BrokerProcess's extra TOML.
#pragma once

#include <string>

#include "tests/support/files.h"
#include "tests/support/pki.h"

namespace ozgbus::testing {

// [schemas]: xsd/catalog.xml and every message namespace of xsd/ (Bayern's included).
inline std::string schemasToml() {
  std::string toml = std::string("[schemas]\ncatalogs = [\"") + OZGBUS_SOURCE_DIR +
                     "/xsd/catalog.xml\"]\nnamespaces = [";
  for (const char* s : {"gewerbe", "meldewesen", "bewohnerparken"}) {
    for (const char* v : {"1.0", "2.0"})
      toml += std::string("\"urn:xoev-de:ozgbus:") + s + ":" + v + "\", ";
  }
  return toml +
         "\"urn:xoev-de:ozgbus:by:gewerbe:1.0\", \"urn:xoev-de:ozgbus:by:bewohnerparken:1.0\", "
         "\"urn:xoev-de:ozgbus:quittung:1.0\"]\n\n";
}

// [signatures] with the development PKI (trust store, the broker's ECDSA key) and, when asked,
// the participant registry the PKI writes (ids, roles, CURVE keys, certificate subjects).
inline std::string signaturesToml(bool with_participants = true) {
  const auto broker = brokerKeys("ec");
  std::string toml = "[signatures]\ntrust = [\"" + (pki() / "ca").string() + "\", \"" +
                     (pki() / "crl").string() + "\"]\nbroker_key = \"" + broker.key.string() +
                     "\"\nbroker_certificate = \"" + broker.cert.string() + "\"\n\n";
  if (with_participants) toml += readFile(pki() / "curve" / "participants.toml");
  return toml;
}

}  // namespace ozgbus::testing
