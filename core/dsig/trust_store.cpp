#include "core/dsig/trust_store.h"

#include <openssl/pem.h>

#include <algorithm>
#include <atomic>
#include <ctime>

namespace ozgbus::dsig {
namespace {

std::atomic<std::uint64_t> next_generation{1};

std::vector<std::filesystem::path> pemFiles(const std::filesystem::path& p) {
  if (!std::filesystem::is_directory(p)) return {p};
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(p)) {
    if (e.is_regular_file() && e.path().extension() == ".pem") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Rejection chainFailure(int error, X509* failing, X509* leaf) {
  std::string detail =
      "certificate '" + subjectOf(leaf) + "': " + X509_verify_cert_error_string(error);
  if (failing != nullptr && failing != leaf) detail += " (at '" + subjectOf(failing) + "')";
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return reject(v1::CERT_EXPIRED, detail);
    case X509_V_ERR_CERT_REVOKED:
      return reject(v1::CERT_REVOKED, detail);
    default:
      return reject(v1::CERT_UNTRUSTED, detail);
  }
}

int receivedAtIndex() {
  static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Verify callback for a replay: forgives "certificate has expired" for a certificate whose
// notAfter was not yet past when the message arrived. Every other verdict stands.
int forgiveExpiredSinceArrival(int ok, X509_STORE_CTX* ctx) {
  if (ok != 0 || X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_HAS_EXPIRED) return ok;
  const auto* arrival =
      static_cast<const std::time_t*>(X509_STORE_CTX_get_ex_data(ctx, receivedAtIndex()));
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (arrival == nullptr || cert == nullptr) return ok;
  std::time_t at = *arrival;
  return X509_cmp_time(X509_get0_notAfter(cert), &at) > 0 ? 1 : ok;  // 0 (unreadable) and -1 stand
}

}  // namespace

Result<std::shared_ptr<const TrustStore>> TrustStore::load(
    const std::vector<std::filesystem::path>& paths) {
  auto t = std::make_shared<TrustStore>();
  t->store_.reset(X509_STORE_new());
  if (!t->store_) return reject(v1::INTERNAL, "X509_STORE_new: " + lastOpensslError());
  for (const auto& path : paths) {
    if (!std::filesystem::exists(path)) {
      return reject(v1::CERT_UNTRUSTED, "trust store: " + path.string() + " does not exist");
    }
    for (const auto& file : pemFiles(path)) {
      Bio bio(BIO_new_file(file.c_str(), "r"));
      if (!bio) return reject(v1::CERT_UNTRUSTED, "trust store: cannot read " + file.string());
      X509InfoStack infos(PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr));
      if (!infos) {
        return reject(v1::CERT_UNTRUSTED,
                      "trust store: " + file.string() + ": " + lastOpensslError());
      }
      for (int i = 0; i < sk_X509_INFO_num(infos.get()); ++i) {
        X509_INFO* info = sk_X509_INFO_value(infos.get(), i);
        // The same certificate twice (chain.pem beside its parts) is stored once.
        if (info->x509 != nullptr) {
          X509_STORE_add_cert(t->store_.get(), info->x509);
          t->subjects_.insert(subjectOf(info->x509));
        }
        if (info->crl != nullptr) X509_STORE_add_crl(t->store_.get(), info->crl);
      }
      lastOpensslError();  // drop "already in hash table" notes
    }
  }
  const STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(t->store_.get());
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    const X509_LOOKUP_TYPE type = X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i));
    if (type == X509_LU_X509) ++t->certificates_;
    if (type == X509_LU_CRL) ++t->crls_;
  }
  if (t->certificates_ == 0) {
    return reject(v1::CERT_UNTRUSTED, "trust store: no CA certificate in the configured paths");
  }
  if (t->crls_ > 0) {
    X509_STORE_set_flags(t->store_.get(), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  t->generation_ = next_generation.fetch_add(1);
  return std::shared_ptr<const TrustStore>(std::move(t));
}

std::optional<Rejection> TrustStore::verify(
    X509* cert, std::optional<std::chrono::system_clock::time_point> received_at) const {
  X509StoreCtx ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), cert, nullptr) != 1) {
    return reject(v1::INTERNAL, "X509_STORE_CTX_init: " + lastOpensslError());
  }
  std::time_t arrival = 0;
  if (received_at) {
    arrival = std::chrono::system_clock::to_time_t(*received_at);
    X509_STORE_CTX_set_ex_data(ctx.get(), receivedAtIndex(), &arrival);
    X509_STORE_CTX_set_verify_cb(ctx.get(), forgiveExpiredSinceArrival);
  }
  if (X509_verify_cert(ctx.get()) == 1) return std::nullopt;
  const int error = X509_STORE_CTX_get_error(ctx.get());
  Rejection r = chainFailure(error, X509_STORE_CTX_get_current_cert(ctx.get()), cert);
  lastOpensslError();
  return r;
}

std::chrono::system_clock::time_point notAfter(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace ozgbus::dsig
