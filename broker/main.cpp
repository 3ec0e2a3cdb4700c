// ozgbus-broker: the daemon. Reads ozgbus.toml, serves until SIGTERM/SIGINT, exits cleanly.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include "broker/broker.h"
#include "broker/config/config.h"
#include "broker/logging/log_format.h"
#include "broker/store/open_store.h"
#include "core/dsig/xmlsec.h"
#include "core/util/systemd_notify.h"
#include "core/xml/xml_init.h"

namespace {

void onSignal(int) { ozgbus::broker::Broker::requestStop(); }
void onHangup(int) { ozgbus::broker::Broker::requestReload(); }

int checkStore(const ozgbus::broker::StoreConfig& c) {
  using ozgbus::Result;
  auto reader = ozgbus::broker::openConfiguredReader(c);
  auto result =
      reader ? (*reader)->check() : Result<ozgbus::broker::StoreCheck>(reader.rejection());
  const std::string what = c.backend == "postgres" ? c.url : c.path.string();
  if (!result) {
    std::fprintf(stderr, "ozgbus-broker --check: %s\n", result.rejection().detail.c_str());
    return 2;
  }
  for (const std::string& p : result->problems) std::printf("DAMAGED %s\n", p.c_str());
  std::printf("%s: %llu stored documents checked, %zu problems\n", what.c_str(),
              static_cast<unsigned long long>(result->messages), result->problems.size());
  return result->problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ozgbus-broker: the OZG message bus daemon"};
  std::string config_file = "ozgbus.toml";
  std::string log_format;
  std::string data_dir;
  std::string listen;
  app.add_option("-c,--config", config_file, "configuration file")->capture_default_str();
  app.add_option("--log-format", log_format, "human or json (overrides the file)")
      ->check(CLI::IsMember({"human", "json"}));
  app.add_option("--listen", listen, "endpoint (overrides broker.listen)");
  app.add_option("--data-dir", data_dir, "data folder (overrides broker.data_dir and store.path)");
  bool check = false;
  bool accept_loss = false;
  app.add_flag(
      "--check", check,
      "check the store (consistency, every document against its digest, the audit chain "
      "against its anchor), print what is damaged and exit: 0 sound, 1 damaged, 2 cannot check");
  app.add_flag("--accept-store-loss", accept_loss,
               "start although the store holds less than its anchor says was committed (after a "
               "restore or a lost write-ahead log: see docs/operations.md)");
  CLI11_PARSE(app, argc, argv);

  auto config = ozgbus::broker::loadConfig(config_file);
  if (!config) {
    std::fprintf(stderr, "ozgbus-broker: %s\n", config.rejection().detail.c_str());
    return 2;
  }
  if (!log_format.empty()) config->log_format = log_format;
  if (!listen.empty()) config->listen = listen;
  if (!data_dir.empty()) {
    config->data_dir = data_dir;
    config->store.path = config->data_dir / "ozgbus.db";
  }
  if (check) return checkStore(config->store);
  config->store.accept_loss = accept_loss;
  ozgbus::broker::setUpLogging(config->log_format, config->log_level);
  ozgbus::xml::initXml();
  ozgbus::dsig::initDsig();

  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  std::signal(SIGHUP, onHangup);
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit is a failed write (EFBIG), not a dead broker

  auto broker = ozgbus::broker::Broker::create(std::move(*config));
  if (!broker) {
    spdlog::critical("cannot start: {}", broker.rejection().detail);
    return 1;
  }
  ozgbus::util::notifySystemd("READY=1");
  (*broker)->run();
  return 0;
}
