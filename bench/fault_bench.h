// The store under faults, measured: random SIGKILLs under load (every ACCEPTED message
// delivered?) and the write-ahead log's size under sustained load with a consumer.
#pragma once

#include <string>

namespace ozgbus::bench {

// kills SIGKILLs of the broker under `rate` msg/s; prints the harness's counts; exit 1 if any
// ACCEPTED message was not delivered.
int runKillBench(int kills, double rate, const std::string& document_template);

// `seconds` of `rate` msg/s (1 KiB) with a consumer; samples the WAL file every second and
// prints its largest size beside the database's.
int runWalBench(double seconds, double rate, const std::string& document_template);

}  // namespace ozgbus::bench
