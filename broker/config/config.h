// The broker's configuration, read from one TOML file (samples/ozgbus.toml documents every key).
// A plain value built once at start and then only read; safe to share between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "broker/config/participant.h"
#include "core/result.h"
#include "core/xml/xml_limits.h"
#include "core/xoev/header_mapping.h"

namespace ozgbus::broker {

struct RouteRule {
  std::string reader;       // exact leser/kennung, e.g. "psw:01003110"
  std::string ars_prefix;   // or a prefix of the reader's ARS digits, e.g. "0916"
  std::string service;      // LeiKa key or message type; empty matches every service
  std::string destination;  // queue name
};

struct SubmitLimits {
  double rate = 5000;                  // submissions per second and participant
  double burst = 1000;                 // tokens a quiet participant may spend at once
  std::uint32_t max_in_flight = 2048;  // per connection: submitted, not yet answered
  // All connections together: bytes of submissions taken and not yet answered; more is BUSY.
  std::uint64_t max_bytes_in_flight = 256ull << 20;
  std::uint32_t max_connections = 16;  // per participant (HELLOs beyond: BUSY)
  // Messages queued towards one connection; a session whose queue stays full is closed.
  std::uint32_t send_queue = 2000;
};

struct StoreConfig {
  // "sqlite" (the embedded default, one node) or "postgres" (url below).
  std::string backend = "sqlite";
  // postgres: a libpq connection URI without a password ("postgresql://ozgbus@db:5432/ozgbus");
  // the password comes from password_file, else from libpq's PGPASSWORD / ~/.pgpass.
  std::string url;
  std::filesystem::path password_file;
  std::filesystem::path path;    // SQLite file; default <data_dir>/ozgbus.db
  std::size_t batch_max = 4096;  // most operations in one group commit
  bool fsync = true;             // synchronous=FULL; off only for throwaway tests
  // Settled messages (delivered, rejected by the receiver, discarded) with no receipt waiting
  // are removed this long after they were received (fractions allowed); 0 keeps them for ever.
  double retain_days = 90;
  // How often retention looks for such messages when the last look found nothing more.
  std::chrono::milliseconds retention_interval{60000};
  // The write-ahead log past this size is restarted by a checkpoint that briefly holds writers
  // back (and cut back to it), so that it cannot grow without bound under sustained load.
  std::uint64_t wal_restart_bytes = 64ull << 20;
  // Start although the store holds less than its anchor says was committed (the command-line
  // flag --accept-store-loss; never in the file).
  bool accept_loss = false;
  bool check_at_open = true;  // SQLite's quick_check when the store opens
  // [cluster]: several brokers ("nodes") on one PostgreSQL store. Empty node: one broker owns
  // the store. Node names are unique in a cluster ([A-Za-z0-9._-], at most 64).
  std::string node;
  // A delivery claimed by a node stays with it this long unless the node renews it (it does,
  // every lease/3, while it runs): after a node dies, its deliveries go to others after this.
  std::chrono::milliseconds lease{30000};
  // Beside LISTEN/NOTIFY, how often a node looks at the store for work by itself (expired
  // leases, a notification lost with a connection).
  std::chrono::milliseconds poll{2000};
};

struct DeliveryConfig {
  std::chrono::milliseconds ack_timeout{30000};
  std::uint32_t max_attempts = 5;
  std::uint32_t default_credit = 64;
  std::uint32_t max_credit = 1024;   // HELLO asks for more: it gets this (deliveries held in RAM)
  std::size_t memory_window = 8192;  // messages per queue held in RAM; the rest stay on disk
  std::size_t receipt_window = 256;  // receipts sent to a portal before it acknowledges them
};

struct SessionConfig {
  std::chrono::milliseconds heartbeat_interval{2000};
  std::chrono::milliseconds timeout{10000};
};

struct SchemaConfig {
  std::vector<std::filesystem::path> catalogs;  // XML catalogs resolving namespaces and imports
  std::vector<std::string> namespaces;          // the message namespaces to validate against
};

struct SignatureConfig {
  std::vector<std::filesystem::path> trust;  // CA certificates and CRLs: PEM files or folders
  std::filesystem::path key;                 // the broker's signing key (sign stage, receipts)
  std::filesystem::path certificate;         // and its certificate
  std::size_t cache_entries = 1024;          // verified certificates kept per worker thread
  std::chrono::seconds cache_ttl{300};       // then chain and CRLs are checked again
};

struct BrokerConfig {
  std::filesystem::path source;  // the TOML file this came from, for messages
  std::string listen = "tcp://127.0.0.1:7755";
  bool insecure = false;                        // true: no CURVE, HELLO is believed (development)
  std::filesystem::path curve_secret_key_file;  // the broker's CURVE key pair (ozgbus keygen)
  std::vector<Participant> participants;        // [[participants]]: who may connect, as what
  std::filesystem::path data_dir = "data";
  unsigned workers = 2;
  // SIGTERM waits at most this long for the store to take what is in progress; whatever is
  // unsettled then stays in the store for the next start (delivered again: at least once).
  std::chrono::milliseconds stop_timeout{3000};
  xml::XmlLimits limits;
  SubmitLimits submit;
  StoreConfig store;
  DeliveryConfig delivery;
  SessionConfig session;
  std::vector<std::string> stages = {"parse", "header", "route", "persist"};
  std::vector<RouteRule> routes;
  xoev::HeaderMappings headers;  // [[headers]]: where each standard keeps its header
  SchemaConfig schemas;
  SignatureConfig signatures;
  std::vector<std::filesystem::path> adapter_folders;  // [adapters] folders: adapters/<name>/...
  // [http] listen: dashboard, admin API, metrics; "" off.
  std::string http_listen = "127.0.0.1:7756";
  // [http] probe_listen: /healthz, /readyz and /metrics only, on threads of their own; "" off.
  std::string http_probe_listen = "127.0.0.1:7758";
  // [http] admin_token_file: a bearer token the admin API requires; needed off loopback.
  std::filesystem::path http_admin_token_file;
  // [http] dashboard_dir; default: installed, else the source's.
  std::filesystem::path dashboard_dir;
  // [events] publish: flow events (PUB); "" off.
  std::string events_publish = "tcp://127.0.0.1:7757";
  std::string log_format = "human";  // or "json"
  std::string log_level = "info";
};

// Parses and checks the file; relative paths are taken relative to the file's folder.
// A rejection's detail names the file and the key.
Result<BrokerConfig> loadConfig(const std::filesystem::path& file);
Result<BrokerConfig> parseConfig(std::string_view toml, const std::filesystem::path& source);

}  // namespace ozgbus::broker
