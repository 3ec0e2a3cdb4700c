// Owners for xmlsec handles, and the process-wide initialisation. The only place in ozgbus
// that calls xmlsec's destroy functions.
#pragma once

#include <xmlsec/keys.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <memory>
#include <string>

namespace ozgbus::dsig {

struct DSigCtxDeleter {
  void operator()(xmlSecDSigCtx* c) const { xmlSecDSigCtxDestroy(c); }
};
struct KeyDeleter {
  void operator()(xmlSecKey* k) const { xmlSecKeyDestroy(k); }
};
using DSigCtx = std::unique_ptr<xmlSecDSigCtx, DSigCtxDeleter>;
using Key = std::unique_ptr<xmlSecKey, KeyDeleter>;

// xmlsec and its OpenSSL back-end, once, from the main thread, after xml::initXml(). xmlsec's
// own I/O callbacks (file, http, ftp) are removed, so no Reference can make it open anything;
// its errors are kept per thread (lastXmlsecError) instead of printed.
void initDsig();

// What xmlsec reported last on this thread (and cleared), for a rejection's detail.
std::string lastXmlsecError();

}  // namespace ozgbus::dsig
