#include "broker/monitoring/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <regex>

#include <openssl/crypto.h>
#include <spdlog/fmt/fmt.h>

#include "broker/monitoring/broker_metrics.h"
#include "broker/monitoring/json.h"

namespace ozgbus::broker {
namespace {

const char* kJson = "application/json";

void json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, kJson);
}

void error(httplib::Response& res, int status, const std::string& text) {
  json(res, status, Json::object("error", text));
}

bool equalsIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

void traceEvents(Json& j, const std::vector<TraceEvent>& events) {
  for (const TraceEvent& e : events) {
    j.beginObject()
        .key("at_ms")
        .value(e.at_ms)
        .key("event")
        .value(e.event)
        .key("detail")
        .value(e.detail)
        .endObject();
  }
}

// A message id as the header stage lets it through: a UUID (stored in lower case) or, where a
// [[headers]] mapping says id_format = "any", a process id of these characters.
bool isMessageId(const std::string& s) {
  static const std::regex id("[A-Za-z0-9._:@-]{1,128}");
  return std::regex_match(s, id);
}

bool isUuid(std::string s) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::regex_match(s, uuid);
}

// Digits only, no sign, no spaces, no trailing text: "1abc" and "1 OR 1=1" are not 1, "-1" is
// not 2^64-1.
std::optional<std::uint64_t> deadLetterId(const std::string& text) {
  std::uint64_t id = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || text.front() == '+' || ec != std::errc() || ptr != end || id == 0) {
    return std::nullopt;
  }
  return id;
}

// Compared in time independent of where the first difference is.
bool bearerMatches(const std::string& header, const std::string& token) {
  const std::string prefix = "Bearer ";
  return header.size() == prefix.size() + token.size() && header.rfind(prefix, 0) == 0 &&
         CRYPTO_memcmp(header.data() + prefix.size(), token.data(), token.size()) == 0;
}

const char* kSecurityHeaders[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src "
     "'self'; "
     "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

}  // namespace

AdminHttp::AdminHttp(AdminHttpOptions options, const CurrentOverview& overview, Act act)
    : options_(std::move(options)),
      overview_(overview),
      act_(std::move(act)),
      server_(std::make_unique<httplib::Server>()),
      probe_(std::make_unique<httplib::Server>()) {}

AdminHttp::~AdminHttp() {
  server_->stop();
  probe_->stop();
  if (thread_.joinable()) thread_.join();
  if (probe_thread_.joinable()) probe_thread_.join();
}

namespace {

// Port 0: any free port; -1: this listener is off. Returns the bound port, or -1.
int bind(httplib::Server& s, const std::string& host, int port) {
  if (port == 0) return s.bind_to_any_port(host);
  return s.bind_to_port(host, port) ? port : -1;
}

Rejection cannotListen(const std::string& host, int port) {
  return Rejection{v1::INTERNAL,
                   "http: cannot listen on " + host + ":" + std::to_string(port) + " (in use?)"};
}

}  // namespace

Result<std::unique_ptr<AdminHttp>> AdminHttp::start(AdminHttpOptions options,
                                                    const CurrentOverview& overview, Act act) {
  std::unique_ptr<AdminHttp> h(new AdminHttp(std::move(options), overview, std::move(act)));
  const AdminHttpOptions& o = h->options_;
  h->routes();
  if (o.port >= 0) {
    h->port_ = bind(*h->server_, o.host, o.port);
    if (h->port_ <= 0) return cannotListen(o.host, o.port);
    h->thread_ = std::thread([raw = h.get()] { raw->server_->listen_after_bind(); });
  }
  if (o.probe_port >= 0) {
    h->probe_port_ = bind(*h->probe_, o.probe_host, o.probe_port);
    if (h->probe_port_ <= 0) return cannotListen(o.probe_host, o.probe_port);
    h->probe_thread_ = std::thread([raw = h.get()] { raw->probe_->listen_after_bind(); });
  }
  return h;
}

void AdminHttp::probeRoutes(httplib::Server& s) {
  // cpp-httplib's default also sets SO_REUSEPORT, which would let a second broker share the
  // port and take half the requests; an operator must get "in use" instead.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Bounded, so that no client holds memory or a thread for long: request bodies (nothing here
  // takes more than a few bytes), the wait for each piece of a request, connections kept open.
  s.set_payload_max_length(64 * 1024);
  s.set_read_timeout(2, 0);
  s.set_write_timeout(5, 0);
  s.set_keep_alive_max_count(20);
  s.set_keep_alive_timeout(2);
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    json(res, 200, Json::object("status", "alive"));
  });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const auto o = overview_.get();
    std::string missing;
    if (!o->store_ok) missing += "store not writable (last commit failed); ";
    if (!o->schemas_loaded) missing += "schemas not loaded; ";
    if (!o->adapters_loaded) missing += "adapters not loaded; ";
    if (!o->trust_loaded) missing += "trust store not loaded; ";
    if (missing.empty()) {
      json(res, 200, Json::object("status", "ready"));
    } else {
      error(res, 503, missing.substr(0, missing.size() - 2));
    }
  });
  s.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(brokerMetrics().registry.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

void AdminHttp::routes() {
  httplib::Server& s = *server_;
  probeRoutes(*probe_);
  probeRoutes(s);
  s.Get("/api/overview", [this](const httplib::Request&, httplib::Response& res) {
    json(res, 200, overview_.get()->json());
  });
  s.Get(R"(/api/messages/([^/]+)/trace)",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::string uuid = req.matches[1];
          if (!isMessageId(uuid)) {
            std::string why = "'";
            why += uuid.substr(0, 200);
            why += "' is not a message id (a UUID, or letters, digits and . _ : @ -)";
            return error(res, 400, why);
          }
          if (isUuid(uuid)) {
            std::transform(uuid.begin(), uuid.end(), uuid.begin(),
                           [](unsigned char c) { return std::tolower(c); });
          }
          Json j;
          j.beginObject().key("message_uuid").value(uuid).key("events").beginArray();
          bool known = false;
          // Refused at submit: never stored, but the recent ones are remembered.
          const auto o = overview_.get();
          for (auto it = o->recent_rejections.rbegin(); it != o->recent_rejections.rend(); ++it) {
            if (!equalsIgnoringCase(it->message_uuid, uuid)) continue;
            known = true;
            j.beginObject().key("at_ms").value(it->at_ms).key("event").value("rejected");
            j.key("detail")
                .value(it->reason + ": " + it->detail + " (from " + it->sender + ")")
                .endObject();
          }
          auto reader = options_.reader();
          auto traces = reader ? (*reader)->traces(uuid)
                               : Result<std::vector<MessageTrace>>(reader.rejection());
          if (!traces) return error(res, 503, "store: " + traces.rejection().detail);
          for (const MessageTrace& t : *traces) {
            known = true;
            traceEvents(j, t.events);
          }
          j.endArray().endObject();
          if (!known) {
            std::string why = "no message with id " + uuid +
                              " is known to this broker: never received here, or "
                              "rejected before the last " +
                              std::to_string(kRecentRejections) + " rejections it keeps";
            if (options_.retain_days != 0) {
              why += ", or settled and removed " + fmt::format("{:g}", options_.retain_days) +
                     " days after it arrived (store.retain_days)";
            }
            return error(res, 404, why);
          }
          json(res, 200, j.str());
        });
  s.Get("/api/dead-letters", [this](const httplib::Request&, httplib::Response& res) {
    Json j;
    j.beginObject().key("dead_letters").beginArray();
    auto reader = options_.reader();
    auto dead =
        reader ? (*reader)->deadLetters(1000) : Result<std::vector<DeadLetter>>(reader.rejection());
    if (!dead) return error(res, 503, "store: " + dead.rejection().detail);
    for (const DeadLetter& d : *dead) {
      j.beginObject().key("id").value(d.id).key("message_uuid").value(d.uuid);
      j.key("queue").value(d.queue).key("reason").value(reasonName(d.reason));
      j.key("detail").value(d.detail).key("at_ms").value(d.at_ms).endObject();
    }
    j.endArray().endObject();
    json(res, 200, j.str());
  });
  const auto action = [this](AdminRequest::Kind kind) {
    return [this, kind](const httplib::Request& req, httplib::Response& res) {
      // A custom header cannot be sent cross-site without a CORS preflight, which is never
      // answered: a foreign page in the operator's browser cannot replay or discard.
      if (req.get_header_value("X-Ozgbus-Dashboard") != "1") {
        return error(res, 403, "missing header X-Ozgbus-Dashboard: 1");
      }
      const std::string text = req.matches[1].str();
      const auto id = deadLetterId(text);
      if (!id) {
        // Built by appends: GCC 12 -O3 warns (-Wrestrict) on "…" + string.
        std::string why = "'";
        why.append(text).append("' is not a dead-letter id (a positive number)");
        return error(res, 400, why);
      }
      const AdminAnswer a = act_(kind, *id);
      if (a.status == 200) {
        json(res, 200, Json::object("result", a.text));
      } else {
        error(res, a.status, a.text);
      }
    };
  };
  s.Post(R"(/api/dead-letters/([^/]+)/replay)", action(AdminRequest::Kind::kReplay));
  s.Post(R"(/api/dead-letters/([^/]+)/discard)", action(AdminRequest::Kind::kDiscard));
  s.Get(R"(/api/dead-letters/([^/]+)/(replay|discard))",
        [](const httplib::Request&, httplib::Response& res) {
          res.set_header("Allow", "POST");
          error(res, 405, "use POST");
        });
  if (!options_.dashboard_dir.empty()) {
    s.set_mount_point("/", options_.dashboard_dir.string());
    s.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
    s.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
    s.set_file_extension_and_mimetype_mapping("css", "text/css; charset=utf-8");
  }
  // DNS rebinding: a foreign page whose name resolves to 127.0.0.1 is "same origin" for the
  // browser, so the custom header alone would not stop it; its requests carry its own Host.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // A path with a NUL or another control character (a decoded %00) would be cut short when
    // the file is opened: /app.js%00.html served app.js as text/html.
    if (std::any_of(req.path.begin(), req.path.end(),
                    [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      error(res, 400, "the path holds a control character");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!options_.admin_token.empty() && req.path.rfind("/api/", 0) == 0 &&
        !bearerMatches(req.get_header_value("Authorization"), options_.admin_token)) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"ozgbus admin\"");
      error(res, 401,
            "the admin API needs 'Authorization: Bearer <token>' (http.admin_token_file)");
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string host = req.get_header_value("Host");
    const auto colon = host.rfind(':');
    const std::string name = colon == std::string::npos ? host : host.substr(0, colon);
    const bool same_port =
        colon != std::string::npos && host.substr(colon + 1) == std::to_string(port_);
    if (same_port &&
        (name == options_.host || name == "127.0.0.1" || name == "localhost" || name == "[::1]")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    std::string why = "Host '";
    why.append(host).append("' is not this broker's address");
    error(res, 421, why);
    return httplib::Server::HandlerResponse::Handled;
  });
  s.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/metrics") return;
    for (const auto& h : kSecurityHeaders) res.set_header(h[0], h[1]);
  });
}

}  // namespace ozgbus::broker
