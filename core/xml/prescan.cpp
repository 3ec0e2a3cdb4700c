#include "core/xml/prescan.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ozgbus::xml {
namespace {

bool startsWith(std::string_view s, std::size_t at, std::string_view prefix) {
  return s.substr(at, prefix.size()) == prefix;
}

class Scanner {
 public:
  Scanner(std::string_view doc, const XmlLimits& limits) : doc_(doc), limits_(limits) {}

  std::optional<Rejection> run() {
    while (pos_ < doc_.size()) {
      const std::size_t lt = doc_.find('<', pos_);
      if (lt == std::string_view::npos) break;
      pos_ = lt;
      if (auto r = markup()) return r;
    }
    return std::nullopt;
  }

 private:
  std::optional<Rejection> markup() {
    if (startsWith(doc_, pos_, "<!--")) return skipPast("-->");
    if (startsWith(doc_, pos_, "<![CDATA[")) return skipPast("]]>");
    if (startsWith(doc_, pos_, "<?")) return skipPast("?>");
    if (startsWith(doc_, pos_, "<!")) {
      return hostile("DOCTYPE and entity declarations are not allowed");
    }
    if (startsWith(doc_, pos_, "</")) {
      if (depth_ > 0) --depth_;
      return skipPast(">");
    }
    return startTag();
  }

  std::optional<Rejection> startTag() {
    std::size_t attributes = 0;
    char quote = 0;
    std::size_t i = pos_ + 1;
    for (; i < doc_.size(); ++i) {
      const char c = doc_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '=') {
        if (++attributes > limits_.max_attributes) {
          return hostile("element has more than " + std::to_string(limits_.max_attributes) +
                         " attributes");
        }
      } else if (c == '>') {
        break;
      }
    }
    if (++elements_ > limits_.max_elements) {
      return hostile("document has more than " + std::to_string(limits_.max_elements) +
                     " elements");
    }
    const bool selfClosing = i < doc_.size() && i > pos_ && doc_[i - 1] == '/';
    if (!selfClosing && ++depth_ > limits_.max_depth) {
      return hostile("elements nested deeper than " + std::to_string(limits_.max_depth));
    }
    pos_ = i + 1;
    return std::nullopt;
  }

  std::optional<Rejection> skipPast(std::string_view terminator) {
    const std::size_t end = doc_.find(terminator, pos_ + 1);
    pos_ = end == std::string_view::npos ? doc_.size() : end + terminator.size();
    return std::nullopt;
  }

  Rejection hostile(const std::string& what) const {
    const auto line = 1 + std::count(doc_.begin(), doc_.begin() + static_cast<long>(pos_), '\n');
    return reject(v1::XML_HOSTILE, "line " + std::to_string(line) + ": " + what);
  }

  std::string_view doc_;
  const XmlLimits& limits_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::size_t elements_ = 0;
};

// The scan counts ASCII bytes ('<', '='): it is only right for UTF-8 (and its ASCII subset).
// A byte-order mark or a declaration of any other encoding is refused before anything else.
std::optional<Rejection> notUtf8(std::string_view doc) {
  const auto starts = [&doc](std::string_view bytes) {
    return doc.substr(0, bytes.size()) == bytes;
  };
  const auto refuse = [](const std::string& what) {
    return reject(v1::ENCODING_UNSUPPORTED,
                  what + "; XÖV messages are UTF-8, nothing else is accepted");
  };
  if (starts("\xEF\xBB\xBF")) doc.remove_prefix(3);  // UTF-8's own byte-order mark
  if (starts(std::string_view("\x00\x00\xFE\xFF", 4)) || starts("\xFF\xFE\x00\x00") ||
      starts("\xFE\xFF") || starts("\xFF\xFE")) {
    return refuse("the document starts with a UTF-16 or UTF-32 byte-order mark");
  }
  if (!doc.empty() && (doc[0] == '\0' || (doc.size() > 1 && doc[1] == '\0'))) {
    return refuse("the document is not in an ASCII-compatible encoding (UTF-16 or UTF-32?)");
  }
  if (starts("\x4C\x6F\xA7\x94")) return refuse("the document is in EBCDIC");
  if (!starts("<?xml")) return std::nullopt;
  const auto end = doc.find("?>");
  const std::string_view decl =
      doc.substr(0, end == std::string_view::npos ? std::min<std::size_t>(doc.size(), 200) : end);
  const auto at = decl.find("encoding");
  if (at == std::string_view::npos) return std::nullopt;
  const auto quote = decl.find_first_of("\"'", at);
  if (quote == std::string_view::npos) return refuse("the XML declaration's encoding has no value");
  const auto close = decl.find(decl[quote], quote + 1);
  std::string name(decl.substr(
      quote + 1, close == std::string_view::npos ? std::string_view::npos : close - quote - 1));
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii")
    return std::nullopt;
  return refuse("the XML declaration names encoding '" + name.substr(0, 40) + "'");
}

}  // namespace

std::optional<Rejection> prescan(std::string_view doc, const XmlLimits& limits) {
  if (doc.size() > limits.max_bytes) {
    return reject(v1::TOO_LARGE, "document has " + std::to_string(doc.size()) +
                                     " bytes, limit is " + std::to_string(limits.max_bytes));
  }
  if (auto other = notUtf8(doc)) return other;
  return Scanner(doc, limits).run();
}

}  // namespace ozgbus::xml
