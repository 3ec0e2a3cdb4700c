// Benchmark documents of a chosen size that stay valid against their schema.
#pragma once

#include <string>

namespace ozgbus::bench {

// A household registering together: the first <meld:person> repeated until the size is reached
// (meldewesen 1.0 allows any number of persons), so the document stays valid.
inline std::string household(const std::string& doc, std::size_t bytes) {
  const auto begin = doc.find("<meld:person>");
  const auto end = doc.find("</meld:person>", begin) + std::string("</meld:person>").size();
  const std::string person = doc.substr(begin, end - begin) + "\n    ";
  std::string out = doc;
  while (out.size() + person.size() <= bytes) out.insert(begin, person);
  return out;
}

}  // namespace ozgbus::bench
