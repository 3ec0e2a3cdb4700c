#include "core/util/text.h"

namespace ozgbus::util {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], 0 if there is none (overlong forms,
// surrogates and code points past U+10FFFF included, as Go's utf8.ValidString sees them).
std::size_t utf8Length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string validUtf8(std::string s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8Length(s, i);
    if (n == 0) {
      s.replace(i, 1, "\xEF\xBF\xBD");
      i += 3;
    } else {
      i += n;
    }
  }
  return s;
}

std::string xmlText(std::string s) {
  s = validUtf8(std::move(s));
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool control = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
    // U+FFFE and U+FFFF: EF BF BE / EF BF BF.
    const bool nonchar = c == 0xEF && i + 2 < s.size() &&
                         static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                         (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE;
    if (control || nonchar) {
      out += "\xEF\xBF\xBD";
      if (nonchar) i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace ozgbus::util
