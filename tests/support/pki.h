// The development PKI that ctest's "pki" fixture makes with certs/make-dev-pki.sh before any
// test runs (tests/CMakeLists.txt): keys, certificates, CRLs and CURVE pairs of the samples.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ozgbus::testing {

inline std::filesystem::path pki() { return OZGBUS_TEST_PKI; }

struct KeyPair {
  std::filesystem::path key;
  std::filesystem::path cert;
};

// "psw:02000001" → participants/psw_02000001.{key,cert}.pem
inline KeyPair participantKeys(std::string id) {
  for (char& c : id) {
    if (c == ':') c = '_';
  }
  return {pki() / "participants" / (id + ".key.pem"), pki() / "participants" / (id + ".cert.pem")};
}

inline KeyPair brokerKeys(const std::string& type = "ec") {
  return {pki() / "broker" / ("broker-" + type + ".key.pem"),
          pki() / "broker" / ("broker-" + type + ".cert.pem")};
}

// CA certificates and CRLs, as [signatures] trust takes them.
inline std::vector<std::filesystem::path> trustPaths() { return {pki() / "ca", pki() / "crl"}; }

}  // namespace ozgbus::testing
