// Text that crosses into another format: well-formed UTF-8 for Prometheus labels and XML, and
// the characters XML 1.0 allows. Free functions; any thread.
#pragma once

#include <string>

namespace ozgbus::util {

// Invalid UTF-8 sequences (overlong forms, surrogates, past U+10FFFF) become U+FFFD.
std::string validUtf8(std::string s);

// validUtf8, and every character XML 1.0 forbids in text (C0 controls but tab, line feed and
// carriage return; U+FFFE, U+FFFF) becomes U+FFFD too. Escaping &, < and > is the caller's.
std::string xmlText(std::string s);

}  // namespace ozgbus::util
