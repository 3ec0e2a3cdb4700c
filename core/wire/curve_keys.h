// CURVE key pairs (Z85 text, 40 characters each) and their files: a secret key file holds
// `public = "…"` and `secret = "…"` (TOML, mode 0600); a public key file only `public = "…"`.
// Free functions; safe from any thread.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.h"

namespace ozgbus::wire {

struct CurveKeys {
  std::string public_key;
  std::string secret_key;  // empty when loaded from a public key file
};

CurveKeys generateCurveKeys();
// The rejection names the file and what is wrong with it.
Result<CurveKeys> loadCurveKeys(const std::filesystem::path& file);
// Writes PREFIX.key (both, 0600) and PREFIX.pub (public only).
Result<CurveKeys> writeCurveKeys(const std::filesystem::path& prefix);

}  // namespace ozgbus::wire
