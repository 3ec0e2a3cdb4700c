// BrokerCounters: the transport thread's running totals and the store's last known health (what
// STATUS, the overview, /readyz and the periodic stats line report). Plain values; transport
// thread only.
#pragma once

#include <cstdint>

namespace ozgbus::broker {

struct BrokerCounters {
  std::uint64_t submitted = 0, accepted = 0, rejected = 0, duplicates = 0, errors = 0;
  std::uint64_t dead_lettered =
      0;  // at acceptance (adapter failures); delivery's own are the dispatcher's
  // Since the last stats line:
  std::uint64_t commits = 0, committed_ops = 0;
  std::int64_t commit_micros = 0, max_commit_micros = 0;
  bool store_ok = true;               // the last commit succeeded
  std::uint64_t commit_failures = 0;  // in a row; 0 once a commit succeeds again
};

}  // namespace ozgbus::broker
