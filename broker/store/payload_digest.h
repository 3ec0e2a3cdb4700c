// The digest each stored document carries (payloads.digest): SHA-256 over what delivery sends —
// the message's identity (uuid, author, sender, reader, type) and both documents — so that a
// damaged page or row is found before it is delivered, not delivered as something else.
// Stateless; any thread.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "broker/store/records.h"
#include "core/dsig/openssl.h"

namespace ozgbus::broker {

inline std::string payloadDigest(const QueuedMessage& m, std::string_view body,
                                 std::string_view original) {
  dsig::EvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  // Each field length-prefixed, so that no two different messages hash alike by shifting bytes.
  const auto field = [&ctx](std::string_view v) {
    unsigned char len[8];
    std::uint64_t n = v.size();
    for (int i = 7; i >= 0; --i, n >>= 8) len[i] = static_cast<unsigned char>(n & 0xff);
    EVP_DigestUpdate(ctx.get(), len, sizeof len);
    EVP_DigestUpdate(ctx.get(), v.data(), v.size());
  };
  field("ozgbus-payload-v1");
  field(m.uuid);
  field(m.author);
  field(m.sender);
  field(m.reader);
  field(m.message_type);
  field(body);
  field(original);
  std::string out(32, '\0');
  EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), nullptr);
  return out;
}

}  // namespace ozgbus::broker
