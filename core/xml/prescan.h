// A linear pass over the raw bytes of a document that refuses hostile shapes before libxml2
// parses them: libxml2 2.9 checks duplicate attributes in quadratic time (20,000 attributes on
// one element take seconds), and its depth limit (256) is far above what XÖV messages need.
// Stateless; safe from any thread.
#pragma once

#include <optional>
#include <string_view>

#include "core/result.h"
#include "core/xml/xml_limits.h"

namespace ozgbus::xml {

// Empty when the document may be parsed; otherwise TOO_LARGE, ENCODING_UNSUPPORTED (anything but
// UTF-8: a UTF-16/32 byte-order mark, EBCDIC, a declared encoding of another kind) or
// XML_HOSTILE with the line.
// Malformed markup is left for the parser to report with its own words.
std::optional<Rejection> prescan(std::string_view doc, const XmlLimits& limits);

}  // namespace ozgbus::xml
