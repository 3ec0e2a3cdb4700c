// XML signature cost on one core, each next to its floor measured in the same run: the
// issue-3 benchmark.
#pragma once

namespace ozgbus::bench {

// Prints a markdown table (verify cached / cache miss, broker signing ECDSA and RSA, and the
// floors); returns 0.
int runSignatureBench(double seconds_per_case);

}  // namespace ozgbus::bench
