// KillHarness: a broker killed with SIGKILL at random moments under a steady load and started
// again, with a portal that logs every UUID it sent and had ACCEPTED and a back-end that logs
// every UUID delivered to it. At the end: was every ACCEPTED message delivered (at least once)?
// Used by a short run in the test suite and a long one in the benchmarks (docs/operations.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ozgbus::testing {

struct KillHarnessOptions {
  int kills = 5;
  double rate = 1000;  // submissions per second, paced
  // The broker lives a random time in [min_life, max_life] before each kill.
  std::chrono::milliseconds min_life{1000};
  std::chrono::milliseconds max_life{3000};
  std::chrono::milliseconds settle{30000};  // at the end, how long to wait for deliveries
  std::string extra_toml;
  std::function<void(const std::string&)> progress;  // a line per kill; may be empty
};

struct KillHarnessResult {
  int kills = 0;
  std::size_t sent = 0, accepted = 0, refused = 0, delivered = 0, redelivered = 0;
  std::vector<std::string> lost;  // ACCEPTED and never delivered
  std::uint64_t seed = 0;         // of the random lives, to repeat a run
};

KillHarnessResult runKillHarness(const KillHarnessOptions& options);

// "kills 5, sent …, lost 0, seed …": the line a test or benchmark prints after a run.
std::string summary(const KillHarnessResult& r);

}  // namespace ozgbus::testing
