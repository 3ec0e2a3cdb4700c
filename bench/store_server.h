// What the store benchmark needs beside the broker: a PostgreSQL server of its own (started and
// stopped with scripts/pg-test-server.sh, data in a temporary folder, loopback), its CPU, and the
// machine facts printed beside every figure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace ozgbus::bench {

class PostgresServer {
 public:
  PostgresServer();  // throws std::runtime_error when the server does not start
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // [store] for the broker: this server's maintenance database.
  std::string storeToml() const;
  // User + system CPU of the server's processes that are running now (postmaster and backends).
  double cpuSeconds() const;

 private:
  testing::TempDir dir_;
  std::string url_;
};

// CPU model, cores, and 4 KiB O_DSYNC writes per second in the current folder (a second of it).
void printMachine();

double median(std::vector<double> v);

}  // namespace ozgbus::bench
