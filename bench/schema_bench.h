// XSD validation cost next to parse cost, one core: the issue-4 benchmark.
#pragma once

namespace ozgbus::bench {

// Prints a markdown table for a 4 KiB and a 64 KiB valid message; returns 0.
int runSchemaBench(double seconds_per_case);

}  // namespace ozgbus::bench
