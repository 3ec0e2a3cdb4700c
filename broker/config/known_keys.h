// The keys ozgbus.toml may hold, table by table. A key not listed is a typo the broker would
// otherwise ignore silently (starting with a default the operator did not mean): loadConfig
// refuses it, naming the file, the line and the closest known key.
#pragma once

#include <toml++/toml.h>
#include <optional>
#include <string>

namespace ozgbus::broker {

// "x.toml:12: unknown key 'ack_timout_ms' in [delivery] (did you mean 'ack_timeout_ms'?)", or
// empty when every key is known. participants_file: the file holds only [[participants]].
std::optional<std::string> unknownKey(const toml::table& root, const std::string& source,
                                      bool participants_file = false);

}  // namespace ozgbus::broker
