#include "broker/delivery/receipt_document.h"

#include "core/util/text.h"

#include <openssl/sha.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/xml/libxml.h"
#include "core/xml/secure_parser.h"

namespace ozgbus::broker {
namespace {

// Anything a back-end or a portal wrote (a NACK's detail, a participant id) may hold characters
// XML forbids or broken UTF-8: made XML text first, so the Quittung stays well-formed and signable.
std::string escaped(const std::string& text) {
  const std::string safe = util::xmlText(text);
  xml::XmlString e(xmlEncodeSpecialChars(nullptr, reinterpret_cast<const xmlChar*>(safe.c_str())));
  return e ? xml::chars(e.get()) : std::string();
}

// Name-based (version 5 layout) from the answered message and the receipt's outcome. The type
// is part of it: a standard whose message id names a process gives two types the same id.
std::string receiptUuid(const ReceiptRecord& r) {
  std::string name = "ozgbus-receipt:";
  name += r.message_uuid;
  name += ':';
  name += r.message_type;
  name += ':';
  name += std::to_string(static_cast<int>(r.outcome));
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), d);
  d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x50);
  d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
                d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
                d[15]);
  return out;
}

std::string isoTime(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

// At most max bytes, never ending inside a UTF-8 sequence.
void truncateUtf8(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  s.resize(max);
  std::size_t lead = s.size() - 1;
  while (lead > 0 && (static_cast<unsigned char>(s[lead]) & 0xC0) == 0x80) --lead;
  const auto c = static_cast<unsigned char>(s[lead]);
  const std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (lead + len > s.size()) s.resize(lead);
}

// A header kennung is "prefix:id"; a back-end id without one is named as an ozgbus participant.
std::string kennung(const std::string& participant) {
  return participant.find(':') != std::string::npos ? participant : "ozgbus:" + participant;
}

std::string behoerde(const char* element, const std::string& participant) {
  return std::string("<") + element +
         "><verzeichnisdienst listURI=\"urn:xoev-de:ozgbus:codeliste:verzeichnisdienst\" "
         "listVersionID=\"1\"><code>DVDV</code></verzeichnisdienst><kennung>" +
         escaped(kennung(participant)) + "</kennung><name>" + escaped(participant) + "</name></" +
         element + ">";
}

}  // namespace

const char* ablehnungsgrund(ReasonCode reason) {
  switch (reason) {
    case v1::XML_MALFORMED:
      return "X001";
    case v1::SCHEMA_INVALID:
      return "X002";
    case v1::SCHEMA_UNKNOWN:
      return "V001";
    case v1::SIGNATURE_MISSING:
    case v1::SIGNATURE_INVALID:
    case v1::SIGNATURE_POLICY:
    case v1::ALGORITHM_FORBIDDEN:
    case v1::CERT_UNTRUSTED:
    case v1::CERT_EXPIRED:
    case v1::CERT_REVOKED:
      return "T001";
    case v1::NO_ROUTE:
      return "S001";
    default:
      return "F999";
  }
}

std::string receiptDocument(const ReceiptRecord& r) {
  const bool accepted = r.outcome == MessageState::kDelivered;
  const std::string root = accepted ? "quittung.annahme.0900" : "quittung.ablehnung.0910";
  const std::string when = isoTime(r.at_ms);
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quit:" + root +
      " xmlns:quit=\"urn:xoev-de:ozgbus:quittung:1.0\" version=\"1.0\" "
      "standard=\"OZGBus-Quittung\" produkt=\"ozgbus\" produkthersteller=\"ozgbus\" "
      "produktversion=\"" OZGBUS_VERSION
      "\"><nachrichtenkopf.g2g>"
      "<identifikation.nachricht><nachrichtenUUID>" +
      receiptUuid(r) +
      "</nachrichtenUUID><nachrichtentyp listURI=\"urn:xoev-de:ozgbus:codeliste:"
      "nachrichtentyp\" listVersionID=\"1\"><code>" +
      (accepted ? "0900" : "0910") + "</code></nachrichtentyp><erstellungszeitpunkt>" + when +
      "</erstellungszeitpunkt></identifikation.nachricht>" + behoerde("leser", r.recipient) +
      behoerde("autor", r.receiver) + "</nachrichtenkopf.g2g>";
  const std::string bezug =
      "<quit:bezug><quit:nachrichtenUUID>" + escaped(r.message_uuid) +
      "</quit:nachrichtenUUID><quit:nachrichtentyp listURI=\"urn:xoev-de:ozgbus:codeliste:"
      "nachrichtentyp\" listVersionID=\"1\"><code>" +
      escaped(r.message_type) + "</code></quit:nachrichtentyp></quit:bezug>";
  if (accepted) {
    doc += "<quit:annahme>" + bezug + "<quit:eingangszeitpunkt>" + when +
           "</quit:eingangszeitpunkt></quit:annahme>";
  } else {
    std::string text = r.detail.empty() ? "abgelehnt von " + r.receiver : r.detail;
    truncateUtf8(text, 2000);  // the schema's limit
    doc += "<quit:ablehnung>" + bezug + "<quit:ablehnungszeitpunkt>" + when +
           "</quit:ablehnungszeitpunkt><quit:ablehnungsgrund><quit:grund listURI=\"urn:xoev-de:"
           "ozgbus:codeliste:ablehnungsgrund\" listVersionID=\"1\"><code>" +
           ablehnungsgrund(r.reason) + "</code></quit:grund><quit:beschreibung>" + escaped(text) +
           "</quit:beschreibung></quit:ablehnungsgrund></quit:ablehnung>";
  }
  return doc + "</quit:" + root + ">\n";
}

Result<std::string> signedReceiptDocument(const ReceiptRecord& receipt,
                                          const dsig::Signer& signer) {
  auto doc = xml::parseSecure(receiptDocument(receipt), {});
  if (!doc) return doc.rejection();
  if (auto r = signer.sign(doc->get())) return *r;
  return dsig::serialize(doc->get());
}

}  // namespace ozgbus::broker
