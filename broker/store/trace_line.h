// One line of a message's trace as the store keeps it ("at_ms<TAB>event<TAB>detail<LF>"), made
// by the pipeline (its steps) and the store (delivery outcomes).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace ozgbus::broker {

inline std::string traceLine(std::int64_t at_ms, const std::string& event, std::string detail) {
  for (char& c : detail) {
    if (c == '\n' || c == '\t') c = ' ';  // would break the line format
  }
  return std::to_string(at_ms) + "\t" + event + "\t" + detail + "\n";
}

// Calls f(at_ms, event, detail) for each well-formed line of a trace.
template <typename F>
void forEachTraceLine(const std::string& history, F&& f) {
  std::size_t pos = 0;
  while (pos < history.size()) {
    const std::size_t end = std::min(history.find('\n', pos), history.size());
    const std::string line = history.substr(pos, end - pos);
    pos = end + 1;
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string::npos ? std::string::npos : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    f(static_cast<std::int64_t>(std::stoll(line.substr(0, t1))), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1));
  }
}

}  // namespace ozgbus::broker
