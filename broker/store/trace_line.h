// One line of a message's trace as the store keeps it ("at_ms<TAB>event<TAB>detail<LF>"), made
// by the pipeline (its steps) and the store (delivery outcomes).
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/store/records.h"

namespace ozgbus::broker {

inline std::string traceLine(std::int64_t at_ms, const std::string& event, std::string detail) {
  for (char& c : detail) {
    if (c == '\n' || c == '\t') c = ' ';  // would break the line format
  }
  return std::to_string(at_ms) + "\t" + event + "\t" + detail + "\n";
}

// Calls f(at_ms, event, detail) for each well-formed line of a trace; event and detail view
// into history (the flow-event publisher parses every message's trace: no copies per line).
template <typename F>
void forEachTraceLine(std::string_view history, F&& f) {
  while (!history.empty()) {
    const std::size_t end = std::min(history.find('\n'), history.size());
    const std::string_view line = history.substr(0, end);
    history.remove_prefix(std::min(end + 1, history.size()));
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string_view::npos ? std::string_view::npos : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) continue;
    std::int64_t at_ms = 0;
    if (std::from_chars(line.data(), line.data() + t1, at_ms).ec != std::errc()) continue;
    f(at_ms, line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1));
  }
}

// A stored trace as its events (the readers' traces()).
inline std::vector<TraceEvent> eventsOf(std::string_view history) {
  std::vector<TraceEvent> out;
  forEachTraceLine(history,
                   [&out](std::int64_t at_ms, std::string_view event, std::string_view detail) {
                     out.push_back(TraceEvent{at_ms, std::string(event), std::string(detail)});
                   });
  return out;
}

// How traces(uuid) matches a UUID: ASCII letters in any case (SQLite's COLLATE NOCASE).
inline bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace ozgbus::broker
