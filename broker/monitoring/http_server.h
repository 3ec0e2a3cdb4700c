// AdminHttp: the broker's HTTP endpoint for operators — /metrics (Prometheus), /healthz,
// /readyz, the JSON admin API (overview, message trace, dead letters with replay and discard)
// and the dashboard's static files. Runs on its own threads (cpp-httplib's pool); it reads only
// published snapshots and the store (a reader of its own per request), and hands actions to the
// transport thread, so it never touches transport state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "broker/monitoring/admin_request.h"
#include "broker/monitoring/overview.h"
#include "broker/store/store.h"
#include "core/result.h"

namespace httplib {
class Server;
}

namespace ozgbus::broker {

struct AdminHttpOptions {
  std::string host = "127.0.0.1";
  int port = 7756;
  std::filesystem::path dashboard_dir;  // index.html, app.js, style.css
  // A store reader for the calling thread: traces and dead letters.
  std::function<Result<std::unique_ptr<StoreReader>>()> reader;
  double retain_days = 0;  // store.retain_days, named when a trace is not found
  // Required (Authorization: Bearer ...) for replay and discard when not empty.
  std::string admin_token;
  // A second listener with /healthz, /readyz and /metrics only, on threads of its own, so that
  // whatever occupies the admin API's threads cannot silence the health checks. Port -1: none.
  std::string probe_host = "127.0.0.1";
  int probe_port = -1;
};

class AdminHttp {
 public:
  using Act = std::function<AdminAnswer(AdminRequest::Kind, std::uint64_t id)>;

  // Binds before returning (a port in use is an error now, not later).
  static Result<std::unique_ptr<AdminHttp>> start(AdminHttpOptions options,
                                                  const CurrentOverview& overview, Act act);
  ~AdminHttp();
  int port() const { return port_; }
  int probePort() const { return probe_port_; }

 private:
  AdminHttp(AdminHttpOptions options, const CurrentOverview& overview, Act act);
  void routes();
  // /healthz, /readyz, /metrics: on both listeners.
  void probeRoutes(httplib::Server& s);

  AdminHttpOptions options_;
  const CurrentOverview& overview_;
  Act act_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<httplib::Server> probe_;
  int port_ = 0;
  int probe_port_ = -1;
  std::thread thread_;
  std::thread probe_thread_;
};

}  // namespace ozgbus::broker
