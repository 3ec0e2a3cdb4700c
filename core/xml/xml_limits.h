// Limits on an incoming document, checked before libxml2 sees it. Plain value, copied freely.
#pragma once

#include <cstddef>

namespace ozgbus::xml {

struct XmlLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;
  std::size_t max_depth = 64;
  std::size_t max_attributes = 256;  // per element
  std::size_t max_elements = 200000;
};

}  // namespace ozgbus::xml
