#include "core/wire/curve_keys.h"

#include <sys/stat.h>
#include <zmq.h>

#include <toml++/toml.h>
#include <fstream>

namespace ozgbus::wire {

CurveKeys generateCurveKeys() {
  char pub[41] = {}, sec[41] = {};
  zmq_curve_keypair(pub, sec);
  return {pub, sec};
}

Result<CurveKeys> loadCurveKeys(const std::filesystem::path& file) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return reject(v1::UNAUTHENTICATED,
                  file.string() + ": not a key file (" + std::string(e.description()) + ")");
  }
  CurveKeys k{t["public"].value_or(std::string()), t["secret"].value_or(std::string())};
  if (k.public_key.size() != 40 || (!k.secret_key.empty() && k.secret_key.size() != 40)) {
    return reject(v1::UNAUTHENTICATED,
                  file.string() + ": public and secret must be 40-character Z85 CURVE keys");
  }
  return k;
}

Result<CurveKeys> writeCurveKeys(const std::filesystem::path& prefix) {
  const CurveKeys k = generateCurveKeys();
  const std::string secret_file = prefix.string() + ".key";
  {
    std::ofstream out(secret_file);
    out << "# CURVE key pair (ozgbus keygen). Keep secret.\npublic = \"" << k.public_key
        << "\"\nsecret = \"" << k.secret_key << "\"\n";
    if (!out) return reject(v1::INTERNAL, "cannot write " + secret_file);
  }
  ::chmod(secret_file.c_str(), 0600);
  std::ofstream pub(prefix.string() + ".pub");
  pub << "# CURVE public key (ozgbus keygen)\npublic = \"" << k.public_key << "\"\n";
  if (!pub) return reject(v1::INTERNAL, "cannot write " + prefix.string() + ".pub");
  return k;
}

}  // namespace ozgbus::wire
