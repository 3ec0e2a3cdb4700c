// ozgbus audit: check and read the broker's hash-chained audit log, straight from its store:
// the SQLite file (--db, opened read-only) or the store a configuration names (--config: SQLite
// or PostgreSQL, on a read-only connection). The broker, or a cluster's nodes, may keep running.
//   ozgbus audit verify (--db PATH | --config FILE) [--anchor SEQ:HASH]
//       exit 0 intact, 1 broken, 2 cannot check
//   ozgbus audit show (--db PATH | --config FILE) [--uuid UUID] [--last N]
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>

#include "broker/audit/audit_chain.h"
#include "broker/config/config.h"
#include "broker/store/open_reader.h"
#include "broker/store/sqlite/sqlite_store.h"
#include "client/cli/commands.h"

namespace ozgbus::cli {
namespace {

struct AuditArgs {
  std::string db;
  std::string config;
  std::string anchor;
  std::string uuid;
  std::uint64_t last = 0;
  bool last_given = false;
};

// "SEQ:HASH", as printed by verify.
std::optional<broker::AuditTip> parseAnchor(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 19) return std::nullopt;
  broker::AuditTip tip;
  for (std::size_t i = 0; i < colon; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    tip.seq = tip.seq * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  tip.hash = text.substr(colon + 1);
  if (tip.seq == 0 || tip.hash.size() != 64) return std::nullopt;
  for (char& c : tip.hash) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return tip;
}

// The store to read, or why not. Usage errors exit 2 like I/O errors, so --db and --config are
// checked here rather than marked required.
Result<std::unique_ptr<broker::StoreReader>> openStore(const AuditArgs& a) {
  if (a.db.empty() == a.config.empty()) {
    return reject(v1::REASON_UNSPECIFIED,
                  "give either --db PATH (a SQLite store) or --config FILE");
  }
  if (!a.db.empty()) return broker::openSqliteReader(a.db);
  auto config = broker::loadConfig(a.config);
  if (!config) return config.rejection();
  return broker::openConfiguredReader(config->store);
}

int runVerify(const AuditArgs& a) {
  std::optional<broker::AuditTip> anchor;
  if (!a.anchor.empty()) {
    anchor = parseAnchor(a.anchor);
    if (!anchor) {
      std::cerr << "ozgbus audit verify: --anchor must be SEQ:HASH (SEQ >= 1, HASH 64 hex digits), "
                   "got \""
                << a.anchor << "\"\n";
      return 2;
    }
  }
  auto reader = openStore(a);
  auto verdict =
      reader ? (*reader)->verifyAudit(anchor) : Result<broker::AuditVerdict>(reader.rejection());
  if (!verdict) {
    std::cerr << "ozgbus audit verify: " << verdict.rejection().detail << "\n";
    return 2;
  }
  const broker::AuditVerdict& v = *verdict;
  if (!v.ok) {
    std::cout << "audit: BROKEN at entry " << v.first_bad_seq << ": " << v.problem << "\n";
    return 1;
  }
  std::cout << "audit: " << v.entries << " entries, chain intact, last entry " << v.last_seq << " "
            << v.last_hash;
  if (anchor) std::cout << " (matches anchor " << anchor->seq << ")";
  std::cout << "\n";
  return 0;
}

std::string utc(std::int64_t at_ms) {
  std::int64_t secs = at_ms / 1000;
  std::int64_t ms = at_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(at_ms);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf, static_cast<int>(ms));
  return out;
}

// One line per entry, whatever the detail holds.
std::string escaped(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

int runShow(const AuditArgs& a) {
  if (a.last_given && a.last == 0) {
    std::cerr << "ozgbus audit show: --last must be at least 1\n";
    return 2;
  }
  std::optional<std::string> uuid;
  if (!a.uuid.empty()) uuid = a.uuid;
  std::optional<std::uint64_t> last;
  if (a.last_given) last = a.last;
  auto reader = openStore(a);
  // SEQ TIME EVENT UUID PARTICIPANT HASH DETAIL: detail last, as the only field with spaces.
  const auto problem = !reader ? std::optional<Rejection>(reader.rejection())
                               : (*reader)->readAudit(uuid, last, [](const broker::AuditEntry& e) {
                                   std::cout << e.seq << " " << utc(e.at_ms) << " "
                                             << escaped(e.event) << " " << escaped(e.message_uuid)
                                             << " " << escaped(e.participant) << " "
                                             << escaped(e.hash) << " " << escaped(e.detail) << "\n";
                                 });
  if (problem) {
    std::cerr << "ozgbus audit show: " << problem->detail << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

void registerAudit(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand("audit", "check or read the broker's audit log");
  cmd->require_subcommand(1);

  CLI::App* verify = cmd->add_subcommand(
      "verify", "check the hash chain; exit 0 intact, 1 broken, 2 cannot check");
  verify->add_option("--db", args->db, "the broker's SQLite store file");
  verify->add_option("--config", args->config,
                     "the broker's configuration: its [store], SQLite or PostgreSQL");
  verify->add_option("--anchor", args->anchor,
                     "SEQ:HASH noted earlier (from a previous verify): also detects removed last "
                     "entries and a rewritten log");
  verify->callback([args, &exit_code] { exit_code = runVerify(*args); });

  CLI::App* show = cmd->add_subcommand("show", "print audit entries, one per line, oldest first");
  show->add_option("--db", args->db, "the broker's SQLite store file");
  show->add_option("--config", args->config,
                   "the broker's configuration: its [store], SQLite or PostgreSQL");
  show->add_option("--uuid", args->uuid, "only the entries of this message");
  CLI::Option* last = show->add_option("--last", args->last, "only the last N entries");
  show->callback([args, last, &exit_code] {
    args->last_given = last->count() > 0;
    exit_code = runShow(*args);
  });
}

}  // namespace ozgbus::cli
