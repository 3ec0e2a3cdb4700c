// HandshakeRefusals: connections refused before HELLO — a CURVE key the registry does not know,
// a client without CURVE, a CURVE handshake that failed. Each is counted by reason
// (ozgbus_handshakes_refused_total); the first few each minute are logged at info with the peer
// address and the reason, the rest are summed up in one line per minute while they go on, so
// that whoever knows the broker's public key cannot flood the log. Thread-safe: the ZAP handler
// and the transport thread both note refusals.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/util/clock.h"

namespace ozgbus::broker {

class HandshakeRefusals {
 public:
  // reason keys (metric label values)
  static constexpr const char* kUnknownKey = "unknown_key";
  static constexpr const char* kNotCurve = "not_curve";
  static constexpr const char* kCurveFailed = "curve_failed";
  static constexpr const char* kNotObserver = "events_not_observer";
  static constexpr const char* kNotUsable =
      "participant_not_usable";  // disabled, certificate revoked...

  explicit HandshakeRefusals(const util::Clock& clock, std::size_t logged_per_minute = 10)
      : clock_(clock), logged_per_minute_(logged_per_minute) {}

  // who: "a client at 10.0.0.7", as far as ZeroMQ tells; why: the sentence for the log.
  void note(const char* reason, const std::string& who, const std::string& why);
  // Logs the summary of what went unlogged, once a minute has passed; call it now and then.
  void summarize();
  std::uint64_t total() const;

 private:
  void rollWindow(util::SteadyTime now);  // under mu_

  const util::Clock& clock_;
  const std::size_t logged_per_minute_;
  mutable std::mutex mu_;
  util::SteadyTime window_start_{};
  std::size_t logged_in_window_ = 0;
  std::map<std::string, std::uint64_t> unlogged_;  // by reason, in this window
  std::uint64_t total_ = 0;
};

}  // namespace ozgbus::broker
