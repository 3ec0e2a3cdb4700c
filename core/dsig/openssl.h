// Owners for OpenSSL handles. The only place in ozgbus that calls OpenSSL's free functions.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ozgbus::dsig {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct X509StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free_all(b); }
};
struct X509InfoStackDeleter {
  void operator()(STACK_OF(X509_INFO) * s) const { sk_X509_INFO_pop_free(s, X509_INFO_free); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using EvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using X509Store = std::unique_ptr<X509_STORE, X509StoreDeleter>;
using X509StoreCtx = std::unique_ptr<X509_STORE_CTX, X509StoreCtxDeleter>;
using Bio = std::unique_ptr<BIO, BioDeleter>;
using X509InfoStack = std::unique_ptr<STACK_OF(X509_INFO), X509InfoStackDeleter>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// The most recent OpenSSL error on this thread as text (and the queue cleared), for details.
std::string lastOpensslError();

// The first certificate of a PEM file; CERT_UNTRUSTED naming the file when there is none.
Result<X509Ptr> readPemCertificate(const std::filesystem::path& file);

// Subject in RFC 2253 form ("CN=psw:02000001,OU=portal,..."), the form the registry uses.
std::string subjectOf(X509* cert);
// The issuer's distinguished name, in the same form.
std::string issuerOf(X509* cert);
// The subject's common name, or empty.
std::string commonNameOf(X509* cert);

// SHA-256 of bytes, as 64 lower-case hex digits.
std::string sha256Hex(std::string_view bytes);

}  // namespace ozgbus::dsig
