// Translation cost on one core next to parse cost of the same document: the issue-5 benchmark.
#pragma once

namespace ozgbus::bench {

// Prints a markdown table for a 4 KiB Meldewesen 1.0 → 2.0 translation; returns 0.
int runAdapterBench(double seconds_per_case);

}  // namespace ozgbus::bench
