// Tells systemd (a unit with Type=notify) that the broker is ready, or stopping: one datagram
// to $NOTIFY_SOCKET, the protocol of sd_notify(3) (stable and tiny, so libsystemd is not worth a
// dependency). Does nothing when the variable is unset. Safe from any thread.
#pragma once

namespace ozgbus::util {

// state: e.g. "READY=1" or "STOPPING=1". False when $NOTIFY_SOCKET is set but unreachable.
bool notifySystemd(const char* state);

}  // namespace ozgbus::util
