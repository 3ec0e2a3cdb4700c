#include "core/dsig/xmlsec.h"

#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>

#include <mutex>
#include <stdexcept>

namespace ozgbus::dsig {
namespace {

thread_local std::string last_error;

// xmlsec reports a failure as a chain of calls; the first one names the cause, the rest are
// the way back up ("xmlSecDSigCtxVerify failed"), so keep the first since the last clear.
void keepError(const char* /*file*/, int /*line*/, const char* func, const char* object,
               const char* subject, int /*reason*/, const char* msg) {
  if (!last_error.empty()) return;
  std::string text = msg != nullptr ? msg : "";
  if (subject != nullptr && *subject != '\0') text = std::string(subject) + ": " + text;
  if (object != nullptr && *object != '\0') text = std::string(object) + ": " + text;
  if (text.empty() && func != nullptr) text = func;
  last_error = text;
}

}  // namespace

void initDsig() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (xmlSecInit() < 0) throw std::runtime_error("xmlsec initialisation failed");
    if (xmlSecCheckVersion() != 1) throw std::runtime_error("xmlsec library version mismatch");
    if (xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0) {
      throw std::runtime_error("xmlsec-openssl initialisation failed");
    }
    // Without callbacks xmlsec cannot open any URI: a Reference to http:// or a file fails
    // before a byte is fetched (the policy check refuses such references even earlier).
    xmlSecIOCleanupCallbacks();
    xmlSecErrorsSetCallback(keepError);
  });
}

std::string lastXmlsecError() {
  std::string e = std::move(last_error);
  last_error.clear();
  return e;
}

}  // namespace ozgbus::dsig
