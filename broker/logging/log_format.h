// The broker's log: one line per event, human-readable or one JSON object per line.
#pragma once

#include <string>

namespace ozgbus::broker {

// Sets up spdlog's default logger on stderr. format: "human" or "json"; level: spdlog's names.
void setUpLogging(const std::string& format, const std::string& level);

}  // namespace ozgbus::broker
