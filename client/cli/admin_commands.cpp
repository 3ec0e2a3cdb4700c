// ozgbus trace and ozgbus dlq: the operator's tools, through the broker's HTTP admin API (the
// same one the dashboard uses), so the command line and the page always agree.
#include <httplib.h>

#include <iostream>
#include <regex>

#include "client/cli/commands.h"

namespace ozgbus::cli {
namespace {

struct AdminArgs {
  std::string admin = "http://127.0.0.1:7756";
  std::string arg;
};

// Values of one string field in a flat JSON answer, in order (the API's answers are simple).
std::vector<std::string> strings(const std::string& json, const std::string& key) {
  std::vector<std::string> out;
  const std::regex re("\"" + key + R"(":\s*(?:"((?:[^"\\]|\\.)*)\"|(-?[0-9]+|null)))");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), re); it != std::sregex_iterator();
       ++it) {
    std::string v = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    out.push_back(std::regex_replace(v, std::regex(R"(\\(["\\/]))"), "$1"));
  }
  return out;
}

std::string when(const std::string& ms) {
  if (ms.empty() || ms == "null") return "-";
  const std::time_t t = static_cast<std::time_t>(std::stoll(ms) / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

// GET or POST; the answer's body, or an error line and exit code 2 (unreachable) / 1 (refused).
int call(const AdminArgs& a, const std::string& method, const std::string& path,
         std::string& body) {
  httplib::Client c(a.admin);
  c.set_read_timeout(30, 0);
  auto r = method == "POST" ? c.Post(path.c_str(), httplib::Headers{{"X-Ozgbus-Dashboard", "1"}},
                                     "", "text/plain")
                            : c.Get(path.c_str());
  if (!r) {
    std::cerr << "ozgbus: cannot reach the broker's admin API at " << a.admin << " ("
              << httplib::to_string(r.error()) << "); see [http] listen in ozgbus.toml\n";
    return 2;
  }
  body = r->body;
  if (r->status != 200) {
    const auto e = strings(body, "error");
    std::cerr << "ozgbus: HTTP " << r->status << ": " << (e.empty() ? body : e.front()) << "\n";
    return 1;
  }
  return 0;
}

int runTrace(const AdminArgs& a) {
  std::string body;
  if (int rc = call(a, "GET", "/api/messages/" + a.arg + "/trace", body)) return rc;
  const auto at = strings(body, "at_ms"), event = strings(body, "event"),
             detail = strings(body, "detail");
  std::cout << "message " << a.arg << "\n";
  for (std::size_t i = 0; i < event.size() && i < at.size() && i < detail.size(); ++i) {
    std::printf("  %s  %-20s %s\n", when(at[i]).c_str(), event[i].c_str(), detail[i].c_str());
  }
  return 0;
}

int runDlq(const AdminArgs& a, const std::string& action) {
  std::string body;
  if (action == "list" || action == "show") {
    if (int rc = call(a, "GET", "/api/dead-letters", body)) return rc;
    const auto id = strings(body, "id"), uuid = strings(body, "message_uuid"),
               queue = strings(body, "queue"), reason = strings(body, "reason"),
               detail = strings(body, "detail"), at = strings(body, "at_ms");
    if (action == "list") {
      std::printf("%-8s %-36s %-20s %-24s %s\n", "ID", "MESSAGE", "QUEUE", "REASON", "SINCE");
      for (std::size_t i = 0; i < id.size(); ++i) {
        std::printf("%-8s %-36s %-20s %-24s %s\n", id[i].c_str(), uuid[i].c_str(), queue[i].c_str(),
                    reason[i].c_str(), when(at[i]).c_str());
      }
      return 0;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
      if (id[i] != a.arg && uuid[i] != a.arg) continue;
      std::cout << "dead letter " << id[i] << "\n  message " << uuid[i] << "\n  queue   "
                << queue[i] << "\n  since   " << when(at[i]) << "\n  reason  " << reason[i]
                << "\n  detail  " << detail[i] << "\n";
      return runTrace({a.admin, uuid[i]});
    }
    std::cerr << "ozgbus dlq show: no dead letter " << a.arg << "\n";
    return 1;
  }
  if (int rc = call(a, "POST", "/api/dead-letters/" + a.arg + "/" + action, body)) return rc;
  const auto result = strings(body, "result");
  std::cout << (result.empty() ? body : result.front()) << "\n";
  return 0;
}

}  // namespace

void registerAdmin(CLI::App& app, int& exit_code) {
  auto trace = std::make_shared<AdminArgs>();
  CLI::App* t = app.add_subcommand(
      "trace", "a message's history: received, checked, routed, delivered, receipted");
  t->add_option("--admin", trace->admin, "the broker's HTTP admin endpoint")->capture_default_str();
  t->add_option("uuid", trace->arg, "message id (nachrichtenUUID)")->required();
  t->callback([trace, &exit_code] { exit_code = runTrace(*trace); });

  CLI::App* dlq = app.add_subcommand("dlq", "dead letters: list, show, replay, discard");
  dlq->require_subcommand(1);
  for (const char* action : {"list", "show", "replay", "discard"}) {
    auto args = std::make_shared<AdminArgs>();
    CLI::App* cmd = dlq->add_subcommand(
        action, std::string(action) +
                    (std::string(action) == "list" ? " the dead letters" : " one dead letter"));
    cmd->add_option("--admin", args->admin, "the broker's HTTP admin endpoint")
        ->capture_default_str();
    if (std::string(action) != "list")
      cmd->add_option("id", args->arg, "dead letter id (or, for show, message id)")->required();
    cmd->callback([args, action, &exit_code] { exit_code = runDlq(*args, action); });
  }
}

}  // namespace ozgbus::cli
