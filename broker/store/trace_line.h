// One line of a message's trace as the store keeps it ("at_ms<TAB>event<TAB>detail<LF>"), made
// by the pipeline (its steps) and the store (delivery outcomes).
#pragma once

#include <cstdint>
#include <string>

namespace ozgbus::broker {

inline std::string traceLine(std::int64_t at_ms, const std::string& event, std::string detail) {
  for (char& c : detail) {
    if (c == '\n' || c == '\t') c = ' ';  // would break the line format
  }
  return std::to_string(at_ms) + "\t" + event + "\t" + detail + "\n";
}

}  // namespace ozgbus::broker
