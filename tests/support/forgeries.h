// Signed samples and the ways an attacker may change them, shared by the verifier's unit tests
// and the broker's integration tests: each forgery turns an unsigned document into the bytes
// that get submitted, and names the reason code that must refuse it.
#pragma once

#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "client/message_template.h"
#include "client/signing.h"
#include "core/result.h"
#include "tests/support/pki.h"
#include "tests/support/temp_dir.h"

namespace ozgbus::testing {

inline std::string unsignedSample(std::string* uuid = nullptr,
                                  const std::string& name = "gewerbeanmeldung-1.0-hamburg.xml") {
  return client::MessageTemplate::load(std::string(OZGBUS_SOURCE_DIR) + "/samples/messages/" + name)
      .instantiate(uuid);
}

inline std::string signWith(const KeyPair& keys, const std::string& xml) {
  auto signer = dsig::Signer::load(keys.key, keys.cert);
  REQUIRE_MESSAGE(signer.ok(), signer.rejection().detail);
  auto signed_doc = client::signDocument(xml, **signer);
  REQUIRE_MESSAGE(signed_doc.ok(), signed_doc.rejection().toString());
  return *signed_doc;
}

// Signed by the sample's author, psw:02000001 (RSA-2048).
inline std::string signedSample(std::string* uuid = nullptr) {
  return signWith(participantKeys("psw:02000001"), unsignedSample(uuid));
}

// `from` must occur in `s`; the first occurrence is replaced.
inline std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "not found: " << from);
  return s.replace(at, from.size(), to);
}

// The document without its XML declaration, to embed it elsewhere.
inline std::string body(const std::string& xml) {
  return xml.rfind("<?xml", 0) == 0 ? xml.substr(xml.find("?>") + 2) : xml;
}

// A key and a self-signed certificate claiming to be psw:02000001, outside the trust store.
inline KeyPair selfSigned() {
  static TempDir dir;
  static const KeyPair keys{dir.path() / "k.pem", dir.path() / "c.pem"};
  static const int made = std::system(
      ("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj '/CN=psw:02000001/OU=portal' "
       "-keyout " +
       keys.key.string() + " -out " + keys.cert.string() + " 2>/dev/null")
          .c_str());
  REQUIRE(made == 0);
  return keys;
}

// A key and a certificate for psw:02000001 that the development PKI's Hamburg CA issued — so
// the chain is trusted — made unfit to sign by the key (`genpkey` options) or the extensions.
inline KeyPair issuedByHamburg(const std::string& name, const std::string& genpkey,
                               const std::string& extensions) {
  static TempDir dir;
  static int serial = 0x7e570;
  const KeyPair keys{dir.path() / (name + ".key.pem"), dir.path() / (name + ".cert.pem")};
  if (std::filesystem::exists(keys.cert)) return keys;
  const std::string base = (dir.path() / name).string();
  std::ofstream(base + ".ext") << "[e]\n" << extensions << "\n";
  const std::string ca = (pki() / "ca").string();
  const auto q = [](const std::string& path) { return "'" + path + "'"; };
  const std::string cmd = "openssl genpkey " + genpkey + " -out " + q(keys.key.string()) +
                          " && openssl req -new -key " + q(keys.key.string()) +
                          " -subj '/C=DE/ST=Hamburg/OU=portal/CN=psw:02000001' -out " +
                          q(base + ".csr") + " && openssl x509 -req -in " + q(base + ".csr") +
                          " -CA " + q(ca + "/hh.cert.pem") + " -CAkey " +
                          q(ca + "/private/hh.key.pem") + " -set_serial " +
                          std::to_string(++serial) + " -days 30 -extfile " + q(base + ".ext") +
                          " -extensions e -out " + q(keys.cert.string()) + " >/dev/null 2>&1";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
  return keys;
}

// A new key and a certificate with exactly the subject of `participant`'s own, issued by the
// development PKI's CA `ca` (hh, sh, by): trusted, and claiming to be that participant.
inline KeyPair impostorOf(const std::string& participant, const std::string& ca) {
  static TempDir dir;
  const std::string base = (dir.path() / (ca + "-" + participant)).string();
  const KeyPair keys{base + ".key.pem", base + ".cert.pem"};
  if (std::filesystem::exists(keys.cert)) return keys;
  const auto q = [](const std::string& path) { return "'" + path + "'"; };
  const std::string cas = (pki() / "ca").string();
  std::ofstream(base + ".ext") << "[e]\nbasicConstraints = critical, CA:false\n"
                                  "keyUsage = critical, digitalSignature, nonRepudiation\n";
  const std::string cmd =
      "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
      q(keys.key.string()) + " && openssl x509 -x509toreq -in " +
      q(participantKeys(participant).cert.string()) + " -signkey " + q(keys.key.string()) +
      " -out " + q(base + ".csr") + " && openssl x509 -req -in " + q(base + ".csr") + " -CA " +
      q(cas + "/" + ca + ".cert.pem") + " -CAkey " + q(cas + "/private/" + ca + ".key.pem") +
      " -set_serial 515151 -days 30 -extfile " + q(base + ".ext") + " -extensions e -out " +
      q(keys.cert.string()) + " >/dev/null 2>&1";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
  return keys;
}

inline constexpr const char* kRsa2048 = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048";
inline constexpr const char* kSignerExtensions =
    "basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature, nonRepudiation";

inline KeyPair rsa1024Certificate() {
  return issuedByHamburg("rsa1024", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024",
                         kSignerExtensions);
}

struct Forgery {
  const char* name;
  std::function<std::string(const std::string& unsigned_xml)> make;
  ReasonCode expected;
};

inline std::vector<Forgery> forgeries() {
  const auto portal = [](const std::string& x) {
    return signWith(participantKeys("psw:02000001"), x);
  };
  return {
      {"unsigned", [](const std::string& x) { return x; }, v1::SIGNATURE_MISSING},
      {"body changed after signing",
       [=](const std::string& x) { return replaced(portal(x), "Ohlsen", "Olsen"); },
       v1::SIGNATURE_INVALID},
      {"SignedInfo changed after signing",
       [=](const std::string& x) {
         return replaced(portal(x), "<ds:Reference URI=", "<ds:Reference Id=\"r\" URI=");
       },
       v1::SIGNATURE_INVALID},
      {"another trusted participant's certificate swapped in",
       [=](const std::string& x) {
         const std::string mine = portal(x);
         const std::string other = signWith(participantKeys("psw:01000001"), x);
         const auto cert = [](const std::string& s) {
           const auto a = s.find("<ds:KeyInfo>");
           return s.substr(a, s.find("</ds:KeyInfo>") - a);
         };
         return replaced(mine, cert(mine), cert(other));
       },
       v1::SIGNATURE_INVALID},
      {"signed element moved under a new root",
       [=](const std::string& x) {
         return "<w:wrapper xmlns:w=\"urn:evil\">" + body(portal(x)) + "</w:wrapper>";
       },
       v1::SIGNATURE_POLICY},
      {"signed original hidden in ds:Object, forged copy where the bus reads",
       [=](const std::string& x) {
         const std::string good = portal(x);
         const std::string original = body(good);
         const std::string root_end = "</gew:gewerbe.anmeldung.0100>";
         std::string forged = replaced(good, "Ohlsen", "Mallory");
         return replaced(forged, "</ds:Signature>" + root_end,
                         "<ds:Object>" + original + "</ds:Object></ds:Signature>" + root_end);
       },
       v1::SIGNATURE_POLICY},
      {"second unsigned payload beside the signed one",
       [=](const std::string& x) {
         return replaced(portal(x), "</gew:anmeldung>",
                         "</gew:anmeldung><gew:anmeldung><gew:betrieb/></gew:anmeldung>");
       },
       v1::SIGNATURE_INVALID},
      {"reference to a sub-element by Id",
       [=](const std::string& x) {
         const std::string s = replaced(portal(x), "<gew:anmeldung>", "<gew:anmeldung Id=\"a\">");
         return replaced(s, "URI=\"\"", "URI=\"#a\"");
       },
       v1::SIGNATURE_POLICY},
      {"duplicated Id attributes",
       [=](const std::string& x) {
         std::string s = replaced(portal(x), "<gew:anmeldung>", "<gew:anmeldung Id=\"a\">");
         s = replaced(s, "<gew:betrieb>", "<gew:betrieb Id=\"a\">");
         return replaced(s, "URI=\"\"", "URI=\"#a\"");
       },
       v1::SIGNATURE_POLICY},
      {"two signatures",
       [=](const std::string& x) {
         const std::string s = portal(x);
         const auto a = s.find("<ds:Signature");
         const std::string sig = s.substr(a, s.find("</ds:Signature>") + 15 - a);
         return replaced(s, "</ds:Signature>", "</ds:Signature>" + sig);
       },
       v1::SIGNATURE_POLICY},
      {"attacker's key given only as KeyValue",
       [=](const std::string& x) {
         const std::string s = signWith(selfSigned(), x);
         const auto a = s.find("<ds:KeyInfo>");
         return s.substr(0, a) +
                "<ds:KeyInfo><ds:KeyValue><ds:RSAKeyValue><ds:Modulus>AQAB</ds:Modulus>"
                "<ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue></ds:KeyInfo>" +
                s.substr(s.find("</ds:KeyInfo>") + 13);
       },
       v1::CERT_UNTRUSTED},
      {"RSA-1024 certificate issued by a trusted CA",
       [](const std::string& x) { return signWith(rsa1024Certificate(), x); }, v1::CERT_UNTRUSTED},
      {"EC certificate on a 192-bit curve issued by a trusted CA",
       [](const std::string& x) {
         return signWith(issuedByHamburg("p192", "-algorithm EC -pkeyopt ec_paramgen_curve:P-192",
                                         kSignerExtensions),
                         x);
       },
       v1::CERT_UNTRUSTED},
      {"trusted certificate whose keyUsage does not allow signing",
       [](const std::string& x) {
         return signWith(
             issuedByHamburg(
                 "encipher-only", kRsa2048,
                 "basicConstraints = critical, CA:false\nkeyUsage = critical, keyEncipherment"),
             x);
       },
       v1::CERT_UNTRUSTED},
      {"CA certificate as the signer",
       [](const std::string& x) {
         return signWith(
             issuedByHamburg("ca", kRsa2048,
                             "basicConstraints = critical, CA:true, pathlen:0\n"
                             "keyUsage = critical, keyCertSign, cRLSign, digitalSignature"),
             x);
       },
       v1::CERT_UNTRUSTED},
      {"self-signed certificate in KeyInfo",
       [](const std::string& x) { return signWith(selfSigned(), x); }, v1::CERT_UNTRUSTED},
      {"expired certificate",
       [](const std::string& x) { return signWith(participantKeys("psw:02000002"), x); },
       v1::CERT_EXPIRED},
      {"revoked certificate",
       [](const std::string& x) { return signWith(participantKeys("psw:02000003"), x); },
       v1::CERT_REVOKED},
      {"RSA-SHA1",
       [=](const std::string& x) {
         return replaced(portal(x), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                         "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
       },
       v1::ALGORITHM_FORBIDDEN},
      {"SHA-1 digest",
       [=](const std::string& x) {
         return replaced(portal(x), "http://www.w3.org/2001/04/xmlenc#sha256",
                         "http://www.w3.org/2000/09/xmldsig#sha1");
       },
       v1::ALGORITHM_FORBIDDEN},
      {"HMAC",
       [=](const std::string& x) {
         return replaced(portal(x), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                         "http://www.w3.org/2000/09/xmldsig#hmac-sha1");
       },
       v1::ALGORITHM_FORBIDDEN},
      {"XPath transform",
       [=](const std::string& x) {
         return replaced(portal(x), "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
                         "http://www.w3.org/TR/1999/REC-xpath-19991116");
       },
       v1::ALGORITHM_FORBIDDEN},
      {"XSLT transform",
       [=](const std::string& x) {
         return replaced(portal(x), "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
                         "http://www.w3.org/TR/1999/REC-xslt-19991116");
       },
       v1::ALGORITHM_FORBIDDEN},
  };
}

}  // namespace ozgbus::testing
