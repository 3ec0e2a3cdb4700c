// The development PKI that the benchmarks sign and verify with, in the test PKI folder: made by
// certs/make-dev-pki.sh, which returns at once when it is already complete.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "tests/support/pki.h"

namespace ozgbus::bench {

inline std::string ensureDevPki() {
  const std::string pki = testing::pki().string();
  if (std::system(
          ("\"" OZGBUS_SOURCE_DIR "/certs/make-dev-pki.sh\" \"" + pki + "\" >/dev/null").c_str()) !=
      0) {
    throw std::runtime_error("certs/make-dev-pki.sh failed");
  }
  return pki;
}

}  // namespace ozgbus::bench
