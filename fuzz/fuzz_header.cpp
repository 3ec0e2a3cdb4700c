// Header extraction on whatever the secure parser accepts: author, reader, UUID and type
// decide where a message goes, so they must come out well-formed or not at all. Both the
// built-in nachrichtenkopf.g2g reading and a [[headers]] mapping (XPath) are run.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/util/text.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "core/xoev/header_mapping.h"
#include "fuzz/fuzz_init.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return ozgbus::fuzz::initXmlForFuzzing(false);
}

namespace {

// A mapping for the namespace urn:f (seeds: <f:r xmlns:f="urn:f"><f:K>…): any id format.
const ozgbus::xoev::HeaderReader& mapped() {
  static const ozgbus::xoev::HeaderReader reader = [] {
    ozgbus::xoev::HeaderMapping m;
    m.where = "fuzz [[headers]] #1";
    m.namespaces = {"urn:f"};
    m.prefixes = {{"f", "urn:f"}};
    m.message_id = "/*/f:K/f:id";
    m.message_type = "/*/f:K/f:t/code";
    m.created = "/*/f:K/@at";
    m.author = "/*/f:K/f:a";
    m.reader = "//f:r[1]";
    m.service = "/*/f:K/f:s";
    m.id_format = ozgbus::xoev::IdFormat::kAny;
    m.type_from_root = true;
    auto r = ozgbus::xoev::HeaderReader::compile({m});
    if (!r) std::abort();
    return std::move(*r);
  }();
  return reader;
}

bool idCharacters(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (const unsigned char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc =
      ozgbus::xml::parseSecure(std::string_view(reinterpret_cast<const char*>(data), size), {});
  if (!doc) return 0;
  if (auto other = mapped().read(doc->get())) {
    // Through the mapping: an id of the allowed characters, fields with text.
    if (other->namespace_uri == "urn:f" && !idCharacters(other->message_uuid)) std::abort();
    if (other->author.empty() || other->reader.empty() || other->message_type.empty()) std::abort();
  }
  auto header = ozgbus::xoev::readHeader(doc->get());
  if (!header) return 0;
  // A header that was accepted carries a UUID in lower case, and only well-formed UTF-8.
  const std::string& uuid = header->message_uuid;
  if (!ozgbus::xoev::isUuid(uuid)) std::abort();
  for (const char c : uuid) {
    if (c >= 'A' && c <= 'Z') std::abort();
  }
  for (const std::string& s : {header->author, header->reader, header->message_type}) {
    if (ozgbus::util::validUtf8(s) != s) std::abort();
  }
  return 0;
}
