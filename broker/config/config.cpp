#include "broker/config/config.h"

#include "broker/config/known_keys.h"

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

namespace ozgbus::broker {
namespace {

// Reads typed values and remembers the first problem, naming file and key.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  template <typename T>
  void get(const toml::node_view<const toml::node>& node, const std::string& key, T& out) {
    if (!node) return;
    if (auto v = node.value<T>()) {
      out = *v;
    } else {
      fail(key, "has the wrong type");
    }
  }

  template <typename T>
  void positive(const toml::node_view<const toml::node>& node, const std::string& key, T& out) {
    std::int64_t v = static_cast<std::int64_t>(out);
    get(node, key, v);
    if (v <= 0) fail(key, "must be greater than 0");
    out = static_cast<T>(v);
  }

  void millis(const toml::node_view<const toml::node>& node, const std::string& key,
              std::chrono::milliseconds& out) {
    std::int64_t v = out.count();
    positive(node, key, v);
    out = std::chrono::milliseconds(v);
  }

  void fail(const std::string& key, const std::string& what) {
    if (error_.empty()) error_ = source_ + ": " + key + " " + what;
  }

  const std::string& error() const { return error_; }

 private:
  std::string source_;
  std::string error_;
};

void readRoutes(const toml::table& root, Reader& r, std::vector<RouteRule>& routes) {
  const auto* arr = root["routes"].as_array();
  if (arr == nullptr) {
    if (root.contains("routes")) r.fail("routes", "must be an array of tables ([[routes]])");
    return;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string key = "routes[" + std::to_string(i) + "]";
    const auto* t = (*arr)[i].as_table();
    if (t == nullptr) {
      r.fail(key, "must be a table");
      continue;
    }
    const toml::node_view<const toml::node> v{t};
    RouteRule rule;
    r.get(v["reader"], key + ".reader", rule.reader);
    r.get(v["ars_prefix"], key + ".ars_prefix", rule.ars_prefix);
    r.get(v["service"], key + ".service", rule.service);
    r.get(v["destination"], key + ".destination", rule.destination);
    if (rule.destination.empty()) r.fail(key + ".destination", "is required");
    if (rule.reader.empty() == rule.ars_prefix.empty()) {
      r.fail(key, "needs exactly one of reader or ars_prefix");
    }
    if (rule.ars_prefix.find_first_not_of("0123456789") != std::string::npos ||
        rule.ars_prefix.size() > 12) {
      r.fail(key + ".ars_prefix", "must be up to 12 digits");
    }
    routes.push_back(std::move(rule));
  }
}

void readHeaders(const toml::table& root, Reader& r, const std::string& file,
                 xoev::HeaderMappings& out) {
  const auto* arr = root["headers"].as_array();
  if (arr == nullptr) {
    if (root.contains("headers")) r.fail("headers", "must be an array of tables ([[headers]])");
    return;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string key = "headers[" + std::to_string(i) + "]";
    const auto* t = (*arr)[i].as_table();
    if (t == nullptr) {
      r.fail(key, "must be a table");
      continue;
    }
    const toml::node_view<const toml::node> v{t};
    xoev::HeaderMapping m;
    m.where =
        std::filesystem::path(file).filename().string() + " [[headers]] #" + std::to_string(i + 1);
    if (const auto* list = v["namespaces"].as_array()) {
      for (const auto& n : *list) {
        if (auto s = n.value<std::string>())
          m.namespaces.push_back(*s);
        else
          r.fail(key + ".namespaces", "must be a list of strings");
      }
    }
    if (m.namespaces.empty()) r.fail(key + ".namespaces", "must name at least one namespace");
    if (v["prefixes"] && !v["prefixes"].as_table()) {
      r.fail(key + ".prefixes", "must be a table of prefix = \"namespace\"");
    } else if (const auto* prefixes = v["prefixes"].as_table()) {
      for (const auto& [prefix, uri] : *prefixes) {
        if (auto s = uri.value<std::string>())
          m.prefixes[std::string(prefix.str())] = *s;
        else
          r.fail(key + ".prefixes." + std::string(prefix.str()), "must be a string");
      }
    }
    r.get(v["message_id"], key + ".message_id", m.message_id);
    r.get(v["message_type"], key + ".message_type", m.message_type);
    r.get(v["created"], key + ".created", m.created);
    r.get(v["author"], key + ".author", m.author);
    r.get(v["reader"], key + ".reader", m.reader);
    r.get(v["service"], key + ".service", m.service);
    std::string format = "uuid";
    r.get(v["id_format"], key + ".id_format", format);
    if (format == "any")
      m.id_format = xoev::IdFormat::kAny;
    else if (format != "uuid")
      r.fail(key + ".id_format", "must be \"uuid\" or \"any\"");
    r.positive(v["max_id_length"], key + ".max_id_length", m.max_id_length);
    r.get(v["type_from_root"], key + ".type_from_root", m.type_from_root);
    out.push_back(std::move(m));
  }
}

// postgresql://user:secret@host/db or …?password=secret
bool urlHoldsPassword(const std::string& url) {
  if (url.find("password=") != std::string::npos) return true;
  const auto scheme = url.find("://");
  const auto from = scheme == std::string::npos ? 0 : scheme + 3;
  const auto at = url.find('@', from);
  if (at == std::string::npos) return false;
  const auto colon = url.find(':', from);
  return colon < at;
}

std::vector<std::string> stringList(const toml::table& root, const char* table, const char* key,
                                    Reader& r) {
  std::vector<std::string> out;
  const auto* arr = root[table][key].as_array();
  if (arr == nullptr) {
    if (root[table][key]) r.fail(std::string(table) + "." + key, "must be a list of strings");
    return out;
  }
  for (const auto& v : *arr) {
    if (auto s = v.value<std::string>()) {
      out.push_back(*s);
    } else {
      r.fail(std::string(table) + "." + key, "must be a list of strings");
    }
  }
  return out;
}

std::optional<v1::Role> roleNamed(const std::string& name) {
  if (name == "portal") return v1::PORTAL;
  if (name == "backend") return v1::BACKEND;
  if (name == "peer") return v1::PEER;
  if (name == "observer") return v1::OBSERVER;
  return std::nullopt;
}

// base: the folder of the file they are in; relative certificate paths start there.
void readParticipants(const toml::table& root, Reader& r, std::vector<Participant>& out,
                      bool insecure, const std::filesystem::path& base) {
  const auto* arr = root["participants"].as_array();
  if (arr == nullptr) return;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string key = "participants[" + std::to_string(i) + "]";
    const auto* t = (*arr)[i].as_table();
    if (t == nullptr) {
      r.fail(key, "must be a table");
      continue;
    }
    const toml::node_view<const toml::node> v{static_cast<const toml::node*>(t)};
    Participant p;
    std::string role;
    r.get(v["id"], key + ".id", p.id);
    r.get(v["role"], key + ".role", role);
    r.get(v["curve_public_key"], key + ".curve_public_key", p.curve_public_key);
    r.get(v["certificate_subject"], key + ".certificate_subject", p.certificate_subject);
    r.get(v["certificate_issuer"], key + ".certificate_issuer", p.certificate_issuer);
    std::string certificate;
    r.get(v["certificate"], key + ".certificate", certificate);
    if (!certificate.empty()) {
      p.certificate_file = std::filesystem::path(certificate).is_absolute()
                               ? std::filesystem::path(certificate)
                               : base / certificate;
    }
    r.get(v["disabled"], key + ".disabled", p.disabled);
    if (const auto* queues = v["queues"].as_array()) {
      for (const auto& q : *queues) p.queues.push_back(q.value_or(std::string()));
    }
    if (const auto* services = v["services"].as_array()) {
      for (const auto& q : *services) p.services.push_back(q.value_or(std::string()));
    }
    if (p.id.empty()) r.fail(key + ".id", "is required");
    if (auto parsed = roleNamed(role)) {
      p.role = *parsed;
    } else {
      r.fail(key + ".role", "must be portal, backend, peer or observer");
    }
    // Without CURVE the registry still maps certificates to participants (signatures).
    if (p.curve_public_key.size() != 40 && !(insecure && p.curve_public_key.empty())) {
      r.fail(key + ".curve_public_key", "must be a 40-character Z85 key");
    }
    for (const Participant& other : out) {
      if (!p.certificate_subject.empty() && other.certificate_subject == p.certificate_subject) {
        std::string why =
            "is also ";  // built by appends: GCC 12 -O3 warns (-Wrestrict) on "…" + string
        why += other.id;
        why += "'s: a certificate must name one participant";
        r.fail(key + ".certificate_subject", why);
      }
    }
    out.push_back(std::move(p));
  }
}

// Installed (cmake --install): <prefix>/share/ozgbus/dashboard beside <prefix>/bin; in a build
// tree: the source folder.
std::filesystem::path defaultDashboardDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "ozgbus" / "dashboard";
    if (std::filesystem::is_regular_file(installed / "index.html", ec)) return installed;
  }
  return OZGBUS_DASHBOARD_DIR;
}

template <typename Resolve>
void readSignatures(const toml::table& root, Reader& r, const Resolve& resolve, BrokerConfig& c) {
  const toml::node_view<const toml::node> t{static_cast<const toml::node*>(&root)};
  SignatureConfig& s = c.signatures;
  for (const auto& p : stringList(root, "signatures", "trust", r)) s.trust.push_back(resolve(p));
  std::string key, cert;
  r.get(t["signatures"]["broker_key"], "signatures.broker_key", key);
  r.get(t["signatures"]["broker_certificate"], "signatures.broker_certificate", cert);
  if (!key.empty()) s.key = resolve(key);
  if (!cert.empty()) s.certificate = resolve(cert);
  r.positive(t["signatures"]["cache_entries"], "signatures.cache_entries", s.cache_entries);
  std::int64_t ttl = s.cache_ttl.count();
  r.positive(t["signatures"]["cache_ttl_s"], "signatures.cache_ttl_s", ttl);
  s.cache_ttl = std::chrono::seconds(ttl);
}

bool loopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
}

// "" switches a listener off; otherwise host:port.
void hostPort(Reader& r, const char* key, const std::string& value) {
  const auto colon = value.rfind(':');
  if (value.empty()) return;
  if (colon == std::string::npos || colon + 1 == value.size() ||
      value.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    r.fail(key, "must be host:port (or \"\" to switch it off)");
  }
}

template <typename Resolve>
void readHttp(const toml::table& root, Reader& r, const Resolve& resolve, BrokerConfig& c) {
  const toml::node_view<const toml::node> t{static_cast<const toml::node*>(&root)};
  r.get(t["http"]["listen"], "http.listen", c.http_listen);
  hostPort(r, "http.listen", c.http_listen);
  r.get(t["http"]["probe_listen"], "http.probe_listen", c.http_probe_listen);
  hostPort(r, "http.probe_listen", c.http_probe_listen);
  std::string token, dashboard;
  r.get(t["http"]["admin_token_file"], "http.admin_token_file", token);
  if (!token.empty()) c.http_admin_token_file = resolve(token);
  // Anyone who reaches a non-loopback address could replay and discard dead letters.
  const std::string host = c.http_listen.substr(0, c.http_listen.rfind(':'));
  if (!c.http_listen.empty() && !loopbackHost(host) && token.empty()) {
    r.fail("http.listen", "'" + c.http_listen +
                              "' is not loopback: set http.admin_token_file so that the admin "
                              "API asks for a token");
  }
  r.get(t["http"]["dashboard_dir"], "http.dashboard_dir", dashboard);
  c.dashboard_dir = dashboard.empty() ? defaultDashboardDir() : resolve(dashboard);
}

}  // namespace

Result<BrokerConfig> parseConfig(std::string_view text, const std::filesystem::path& source) {
  toml::table root;
  try {
    root = toml::parse(text, source.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << source.string() << ":" << e.source().begin.line << ": " << e.description();
    return reject(v1::REASON_UNSPECIFIED, os.str());
  }
  if (auto typo = unknownKey(root, source.string())) return reject(v1::REASON_UNSPECIFIED, *typo);
  BrokerConfig c;
  c.source = source;
  Reader r(source.string());
  const toml::node_view<const toml::node> t{static_cast<const toml::node*>(&root)};
  const auto base = source.has_parent_path() ? source.parent_path() : std::filesystem::path(".");

  std::string data_dir = c.data_dir.string();
  std::string store_path;
  r.get(t["broker"]["listen"], "broker.listen", c.listen);
  r.get(t["broker"]["insecure"], "broker.insecure", c.insecure);
  std::string secret_key_file;
  r.get(t["broker"]["curve_secret_key_file"], "broker.curve_secret_key_file", secret_key_file);
  readParticipants(root, r, c.participants, c.insecure, base);
  std::string participants_file;
  r.get(t["broker"]["participants_file"], "broker.participants_file", participants_file);
  if (!participants_file.empty()) {
    // The registry may live in its own file (certs/make-dev-pki.sh writes one); it is read
    // again on every reload, like the rest.
    const auto file = std::filesystem::path(participants_file).is_absolute()
                          ? std::filesystem::path(participants_file)
                          : base / participants_file;
    try {
      const toml::table extra = toml::parse_file(file.string());
      if (auto typo = unknownKey(extra, file.string(), true))
        r.fail("broker.participants_file", "(" + *typo + ")");
      Reader pr(file.string());
      readParticipants(extra, pr, c.participants, c.insecure, file.parent_path());
      if (!pr.error().empty()) r.fail("broker.participants_file", "(" + pr.error() + ")");
    } catch (const toml::parse_error& e) {
      // Built by appends: GCC 12 -O3 warns (-Wrestrict) on "…" + string.
      std::string why = "'";
      why.append(file.string()).append("' cannot be read: ").append(e.description());
      r.fail("broker.participants_file", why);
    }
  }
  if (!c.insecure && secret_key_file.empty()) {
    r.fail("broker.curve_secret_key_file",
           "is required (or insecure = true, for local development only)");
  }
  r.get(t["broker"]["data_dir"], "broker.data_dir", data_dir);
  r.positive(t["broker"]["workers"], "broker.workers", c.workers);
  r.millis(t["broker"]["stop_timeout_ms"], "broker.stop_timeout_ms", c.stop_timeout);
  r.get(t["broker"]["log_format"], "broker.log_format", c.log_format);
  r.get(t["broker"]["log_level"], "broker.log_level", c.log_level);
  if (c.log_format != "human" && c.log_format != "json") {
    r.fail("broker.log_format", "must be \"human\" or \"json\"");
  }
  r.positive(t["limits"]["max_message_bytes"], "limits.max_message_bytes", c.limits.max_bytes);
  r.positive(t["limits"]["max_depth"], "limits.max_depth", c.limits.max_depth);
  r.positive(t["limits"]["max_attributes"], "limits.max_attributes", c.limits.max_attributes);
  r.positive(t["limits"]["max_elements"], "limits.max_elements", c.limits.max_elements);
  r.get(t["limits"]["submit_rate"], "limits.submit_rate", c.submit.rate);
  r.get(t["limits"]["submit_burst"], "limits.submit_burst", c.submit.burst);
  r.positive(t["limits"]["max_in_flight_submits"], "limits.max_in_flight_submits",
             c.submit.max_in_flight);
  r.positive(t["limits"]["max_bytes_in_flight"], "limits.max_bytes_in_flight",
             c.submit.max_bytes_in_flight);
  r.positive(t["limits"]["max_connections_per_participant"],
             "limits.max_connections_per_participant", c.submit.max_connections);
  r.positive(t["limits"]["send_queue"], "limits.send_queue", c.submit.send_queue);
  if (c.submit.rate <= 0 || c.submit.burst < 1) {
    r.fail("limits.submit_rate", "and limits.submit_burst must be positive (burst at least 1)");
  }
  r.get(t["store"]["path"], "store.path", store_path);
  std::string password_file;
  r.get(t["store"]["backend"], "store.backend", c.store.backend);
  r.get(t["store"]["url"], "store.url", c.store.url);
  r.get(t["store"]["password_file"], "store.password_file", password_file);
  if (c.store.backend != "sqlite" && c.store.backend != "postgres") {
    r.fail("store.backend", "must be \"sqlite\" or \"postgres\"");
  } else if (c.store.backend == "postgres" && c.store.url.empty()) {
    r.fail("store.url", "is needed with backend = \"postgres\" (postgresql://user@host:port/db)");
  } else if (c.store.backend == "sqlite" && !c.store.url.empty()) {
    r.fail("store.url", "is for backend = \"postgres\"; the SQLite store uses store.path");
  }
  // A password in the file would be read by everyone who may read the configuration.
  if (urlHoldsPassword(c.store.url)) {
    r.fail("store.url",
           "must not hold a password: put it in store.password_file (chmod 600) or PGPASSWORD");
  }
  r.get(t["cluster"]["node"], "cluster.node", c.store.node);
  r.millis(t["cluster"]["lease_ms"], "cluster.lease_ms", c.store.lease);
  r.millis(t["cluster"]["poll_ms"], "cluster.poll_ms", c.store.poll);
  if (!c.store.node.empty()) {
    if (c.store.backend != "postgres") {
      r.fail("cluster.node", "needs [store] backend = \"postgres\": nodes share one database");
    }
    if (c.store.node.size() > 64 ||
        c.store.node.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789._-") != std::string::npos) {
      r.fail("cluster.node", "must be 1 to 64 of A-Z a-z 0-9 . _ -");
    }
    if (c.store.lease < std::chrono::milliseconds(300)) {
      r.fail("cluster.lease_ms", "must be at least 300 (a lease is renewed every third of it)");
    }
  }
  r.positive(t["store"]["batch_max"], "store.batch_max", c.store.batch_max);
  r.get(t["store"]["fsync"], "store.fsync", c.store.fsync);
  r.get(t["store"]["retain_days"], "store.retain_days", c.store.retain_days);
  if (!(c.store.retain_days >= 0 && c.store.retain_days <= 36500)) {
    r.fail("store.retain_days", "must be a number of days (0: keep settled messages for ever)");
  }
  r.millis(t["store"]["retention_interval_ms"], "store.retention_interval_ms",
           c.store.retention_interval);
  r.positive(t["store"]["wal_restart_bytes"], "store.wal_restart_bytes", c.store.wal_restart_bytes);
  r.get(t["store"]["check_at_open"], "store.check_at_open", c.store.check_at_open);
  r.millis(t["delivery"]["ack_timeout_ms"], "delivery.ack_timeout_ms", c.delivery.ack_timeout);
  r.positive(t["delivery"]["max_attempts"], "delivery.max_attempts", c.delivery.max_attempts);
  r.positive(t["delivery"]["default_credit"], "delivery.default_credit", c.delivery.default_credit);
  r.positive(t["delivery"]["max_credit"], "delivery.max_credit", c.delivery.max_credit);
  r.positive(t["delivery"]["memory_window"], "delivery.memory_window", c.delivery.memory_window);
  r.positive(t["delivery"]["receipt_window"], "delivery.receipt_window", c.delivery.receipt_window);
  r.millis(t["session"]["heartbeat_interval_ms"], "session.heartbeat_interval_ms",
           c.session.heartbeat_interval);
  r.millis(t["session"]["timeout_ms"], "session.timeout_ms", c.session.timeout);
  if (root["pipeline"]["stages"]) c.stages = stringList(root, "pipeline", "stages", r);
  const auto resolve = [&base](const std::string& p) {
    return std::filesystem::path(p).is_absolute() ? std::filesystem::path(p) : base / p;
  };
  for (const auto& catalog : stringList(root, "schemas", "catalogs", r)) {
    c.schemas.catalogs.push_back(resolve(catalog));
  }
  c.schemas.namespaces = stringList(root, "schemas", "namespaces", r);
  readSignatures(root, r, resolve, c);
  for (const auto& f : stringList(root, "adapters", "folders", r))
    c.adapter_folders.push_back(resolve(f));
  readHttp(root, r, resolve, c);
  r.get(t["events"]["publish"], "events.publish", c.events_publish);
  readRoutes(root, r, c.routes);
  readHeaders(root, r, source.string(), c.headers);
  if (!r.error().empty()) return reject(v1::REASON_UNSPECIFIED, r.error());

  if (!secret_key_file.empty()) c.curve_secret_key_file = resolve(secret_key_file);
  c.data_dir = resolve(data_dir);
  c.store.path = store_path.empty() ? c.data_dir / "ozgbus.db" : resolve(store_path);
  if (!password_file.empty()) c.store.password_file = resolve(password_file);
  return c;
}

Result<BrokerConfig> loadConfig(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return reject(v1::REASON_UNSPECIFIED, file.string() + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  return parseConfig(buf.str(), file);
}

}  // namespace ozgbus::broker
