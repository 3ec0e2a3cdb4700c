// Header extraction on whatever the secure parser accepts: author, reader, UUID and type
// decide where a message goes, so they must come out well-formed or not at all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/util/text.h"
#include "core/xml/secure_parser.h"
#include "core/xoev/header.h"
#include "fuzz/fuzz_init.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return ozgbus::fuzz::initXmlForFuzzing(false);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc =
      ozgbus::xml::parseSecure(std::string_view(reinterpret_cast<const char*>(data), size), {});
  if (!doc) return 0;
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
