#include "broker/config/known_keys.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace ozgbus::broker {
namespace {

using Keys = std::set<std::string>;

// Top-level tables (and arrays of tables) and the keys each may hold.
const std::map<std::string, Keys>& knownTables() {
  static const std::map<std::string, Keys> tables = {
      {"broker",
       {"listen", "insecure", "curve_secret_key_file", "participants_file", "data_dir", "workers",
        "log_format", "log_level", "stop_timeout_ms"}},
      {"limits",
       {"max_message_bytes", "max_depth", "max_attributes", "max_elements", "submit_rate",
        "submit_burst", "max_in_flight_submits", "max_bytes_in_flight",
        "max_connections_per_participant", "send_queue"}},
      {"store",
       {"backend", "url", "password_file", "path", "batch_max", "fsync", "retain_days",
        "retention_interval_ms", "wal_restart_bytes", "check_at_open"}},
      {"cluster", {"node", "lease_ms", "poll_ms"}},
      {"delivery",
       {"ack_timeout_ms", "max_attempts", "default_credit", "max_credit", "memory_window",
        "receipt_window"}},
      {"session", {"heartbeat_interval_ms", "timeout_ms"}},
      {"pipeline", {"stages"}},
      {"schemas", {"catalogs", "namespaces"}},
      {"signatures", {"trust", "broker_key", "broker_certificate", "cache_entries", "cache_ttl_s"}},
      {"adapters", {"folders"}},
      {"http", {"listen", "probe_listen", "admin_token_file", "dashboard_dir"}},
      {"events", {"publish"}},
      {"routes", {"reader", "ars_prefix", "service", "destination"}},
      {"headers",
       {"namespaces", "prefixes", "message_id", "message_type", "created", "author", "reader",
        "service", "id_format", "max_id_length", "type_from_root"}},
      {"participants",
       {"id", "role", "curve_public_key", "certificate_subject", "certificate_issuer", "queues",
        "services", "certificate", "disabled"}},
  };
  return tables;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" when a known key is close enough to be the one meant.
std::string closest(const std::string& key, const Keys& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(3, key.size() / 3) + 1;
  for (const std::string& k : known) {
    const std::size_t d = editDistance(key, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::string where(const std::string& source, const toml::source_region& region) {
  return source + ":" + std::to_string(region.begin.line);
}

std::optional<std::string> checkTable(const toml::table& t, const std::string& source,
                                      const std::string& name, const Keys& known) {
  for (const auto& [key, value] : t) {
    const std::string k(key.str());
    if (known.count(k) != 0) continue;
    return where(source, key.source()) + ": unknown key '" + k + "' in [" + name + "]" +
           closest(k, known);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unknownKey(const toml::table& root, const std::string& source,
                                      bool participants_file) {
  Keys top;
  for (const auto& [name, keys] : knownTables()) {
    if (!participants_file || name == "participants") top.insert(name);
  }
  for (const auto& [key, value] : root) {
    const std::string name(key.str());
    if (top.count(name) == 0) {
      return where(source, key.source()) + ": unknown " +
             (value.is_table() || value.is_array() ? "table" : "key") + " '" + name + "'" +
             closest(name, top) +
             (participants_file ? " (a participants_file holds only [[participants]])" : "");
    }
    const Keys& known = knownTables().at(name);
    if (const auto* t = value.as_table()) {
      if (auto bad = checkTable(*t, source, name, known)) return bad;
    } else if (const auto* a = value.as_array()) {
      for (const auto& element : *a) {
        if (const auto* entry = element.as_table()) {
          if (auto bad = checkTable(*entry, source, "[" + name + "]", known)) return bad;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace ozgbus::broker
