// Broker: the daemon assembled from its parts — the runtime (configuration-derived state), the
// store and its group committer, the pipeline's workers, the transport's router loop, the
// flow-event publisher and the operators' HTTP endpoint — in the order they depend on each
// other, and taken down in the reverse order. create() and run() on the thread that then runs
// the transport; requestStop() and requestReload() are async-signal-safe.
#pragma once

#include <memory>
#include <string>
#include <zmq.hpp>

#include "broker/config/config.h"
#include "core/result.h"
#include "core/util/clock.h"

namespace ozgbus::broker {

class Broker {
 public:
  // Opens the store, restores queue state, loads everything the configuration names, binds the
  // endpoint. Every instant the broker records and every deadline come from `clock`, which must
  // outlive it.
  static Result<std::unique_ptr<Broker>> create(BrokerConfig config,
                                                const util::Clock& clock = util::Clock::system());
  ~Broker();

  // Serves until requestStop(); then stops taking submissions, answers everything in progress
  // once it is durable, and returns.
  void run();
  static void requestStop();
  static void requestReload();

  // The endpoint actually bound (resolves a "*" port).
  std::string endpoint() const;

 private:
  struct Parts;
  Broker();
  std::unique_ptr<Parts> p_;
};

}  // namespace ozgbus::broker
