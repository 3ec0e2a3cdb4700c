#include "bench/fault_bench.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/e2e_load.h"
#include "tests/support/broker_process.h"
#include "tests/support/kill_harness.h"

namespace ozgbus::bench {

int runKillBench(int kills, double rate, const std::string&) {
  testing::KillHarnessOptions o;
  o.kills = kills;
  o.rate = rate;
  o.min_life = std::chrono::milliseconds(2000);
  o.max_life = std::chrono::milliseconds(8000);
  o.settle = std::chrono::seconds(120);
  o.extra_toml = "[limits]\nsubmit_rate = 10000000.0\nsubmit_burst = 1000000.0\n";
  o.progress = [](const std::string& line) {
    std::printf("  %s\n", line.c_str());
    std::fflush(stdout);
  };
  const auto r = testing::runKillHarness(o);
  std::printf(
      "kill harness: %d SIGKILLs at %.0f msg/s offered: sent %zu, ACCEPTED %zu, refused or "
      "unanswered "
      "%zu, delivered %zu distinct (%zu twice), ACCEPTED and never delivered: %zu (seed %llu)\n",
      r.kills, rate, r.sent, r.accepted, r.sent - r.accepted, r.delivered, r.redelivered,
      r.lost.size(), static_cast<unsigned long long>(r.seed));
  for (const auto& uuid : r.lost) std::printf("  lost %s\n", uuid.c_str());
  return r.lost.empty() ? 0 : 1;
}

int runWalBench(double seconds, double rate, const std::string& document_template) {
  testing::BrokerProcess broker("[limits]\nsubmit_rate = 10000000.0\nsubmit_burst = 1000000.0\n",
                                "warn");
  broker.start();
  const std::filesystem::path db = broker.storeFile();
  const std::filesystem::path wal = db.string() + "-wal";
  std::atomic<bool> done{false};
  std::uintmax_t max_wal = 0, max_db = 0;
  std::thread sampler([&] {
    int tick = 0;
    while (!done) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      std::error_code ec;
      const auto w = std::filesystem::file_size(wal, ec);
      if (!ec) max_wal = std::max(max_wal, w);
      const auto d = std::filesystem::file_size(db, ec);
      if (!ec) max_db = std::max(max_db, d);
      if (++tick % 30 == 0) {
        std::printf("  %4d s: WAL %.1f MB (largest so far %.1f MB), database %.1f MB\n", tick,
                    static_cast<double>(w) / 1e6, static_cast<double>(max_wal) / 1e6,
                    static_cast<double>(d) / 1e6);
        std::fflush(stdout);
      }
    }
  });
  LoadSpec spec;
  spec.endpoint = broker.endpoint();
  spec.document_template = document_template;
  spec.messages = static_cast<std::uint64_t>(seconds * rate);
  spec.rate = rate;
  const LoadResult r = runLoad(spec);
  done = true;
  sampler.join();
  std::printf(
      "%.0f s at %.0f msg/s offered (1 KiB, with a consumer): delivered %.0f msg/s; largest WAL "
      "%.1f MB "
      "(store.wal_restart_bytes 64 MiB), largest database %.1f MB\n",
      r.seconds, rate, r.throughput, static_cast<double>(max_wal) / 1e6,
      static_cast<double>(max_db) / 1e6);
  return 0;
}

}  // namespace ozgbus::bench
