// Parsing untrusted XML: prescan limits first, then libxml2 with the network, DTD loading and
// entity substitution off. Stateless; call from any thread after xml::initXml().
#pragma once

#include <string_view>

#include "core/result.h"
#include "core/xml/libxml.h"
#include "core/xml/xml_limits.h"

namespace ozgbus::xml {

// The parsed document, or TOO_LARGE / XML_HOSTILE / XML_MALFORMED with line and column.
Result<Doc> parseSecure(std::string_view bytes, const XmlLimits& limits);

}  // namespace ozgbus::xml
