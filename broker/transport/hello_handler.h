// HelloHandler: HELLO — a connection says who it is and in which role; the broker checks that
// against the participant registry (with CURVE: the participant its key belongs to, that
// participant's role and queues) and answers WELCOME with a new session, or ERROR.
// Transport thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker/delivery/dispatcher.h"
#include "broker/delivery/session.h"
#include "broker/monitoring/broker_counters.h"
#include "broker/runtime/runtime.h"
#include "broker/transport/replies.h"
#include "core/util/clock.h"
#include "core/wire/codec.h"

namespace ozgbus::broker {

class HelloHandler {
 public:
  struct Context {
    const Runtime& runtime;  // participants, whether CURVE is on, credit and session settings
    Sessions& sessions;
    Dispatcher& dispatcher;  // learns of a new back-end session
    Replies& replies;
    BrokerCounters& counters;
    const util::Clock& clock;
    // Ends the connection's open session in good order (a second HELLO on it).
    std::function<void(const std::string& identity)> close;
  };

  explicit HelloHandler(Context c) : c_(std::move(c)) {}

  // user_id and curve_key: what the ZAP handler bound the connection to (empty when insecure).
  void handle(const std::string& identity, const std::string& user_id, const std::string& curve_key,
              const wire::Frames& f);

 private:
  // The rights check against the registry; empty when allowed. queues: as asked, or the
  // participant's own when it asked for none.
  std::optional<Rejection> admit(const std::string& user_id, const std::string& curve_key,
                                 const v1::Hello& hello, std::vector<std::string>& queues) const;

  Context c_;
  std::uint64_t next_session_ = 1;
};

}  // namespace ozgbus::broker
