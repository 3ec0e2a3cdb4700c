// SecureBroker: a broker with CURVE on and four registered participants with fresh keys — a
// portal (psw:02000001, one service), the back-end hh-gewerbeamt, an observer (ops) and a
// back-end for the sample routes' other queues (others). For the integration tests of transport
// security and of what a hostile participant can do.
#pragma once

#include <signal.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "core/wire/curve_keys.h"
#include "tests/support/broker_process.h"
#include "tests/support/files.h"

namespace ozgbus::testing {

struct SecureBroker {
  // extra_toml: tables beside [[participants]] ([limits], [delivery] …).
  explicit SecureBroker(const std::string& extra_toml = "",
                        std::chrono::milliseconds client_timeout = std::chrono::milliseconds(1500))
      : timeout(client_timeout),
        broker(extra_toml + "\n" + participants(), "debug", brokerLines()) {
    broker.setProbe(options("ops", v1::OBSERVER, ops));
    broker.start();
  }

  std::string participants() {
    auto entry = [](const std::string& id, const char* role, const wire::CurveKeys& k,
                    const std::string& extra) {
      return "[[participants]]\nid = \"" + id + "\"\nrole = \"" + role +
             "\"\ncurve_public_key = \"" + k.public_key + "\"\n" + extra + "\n";
    };
    return entry("psw:02000001", "portal", portal, "services = [\"99050012104000\"]") +
           entry("hh-gewerbeamt", "backend", backend, "queues = [\"hh-gewerbeamt\"]") +
           entry("ops", "observer", ops, "") +
           // The sample routes' other queues need a registered back-end, or the broker refuses to
           // start.
           entry("others", "backend", others,
                 "queues = [\"hh-meldeamt\", \"sh-kiel-buergeramt\", \"by-muenchen-kvr\"]");
  }
  std::string brokerLines() {
    keys = wire::writeCurveKeys(dir.path() / "broker").value();
    return "curve_secret_key_file = \"" + (dir.path() / "broker.key").string() + "\"";
  }

  // Replaces `from` with `to` in the broker's ozgbus.toml and has it reload (SIGHUP).
  void reloadWith(const std::string& from, const std::string& to) {
    const auto file = broker.dir() / "ozgbus.toml";
    std::string toml = readFile(file);
    toml.replace(toml.find(from), from.size(), to);
    std::ofstream(file) << toml;
    ::kill(broker.pid(), SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  client::Options options(const std::string& as, v1::Role role, const wire::CurveKeys& k) const {
    client::Options o{broker.endpoint(), as, role};
    o.server_public_key = keys.public_key;
    o.public_key = k.public_key;
    o.secret_key = k.secret_key;
    o.timeout = timeout;
    return o;
  }

  TempDir dir;
  wire::CurveKeys keys;
  wire::CurveKeys portal = wire::generateCurveKeys();
  wire::CurveKeys backend = wire::generateCurveKeys();
  wire::CurveKeys ops = wire::generateCurveKeys();
  wire::CurveKeys others = wire::generateCurveKeys();
  std::chrono::milliseconds timeout;
  BrokerProcess broker;
};

}  // namespace ozgbus::testing
