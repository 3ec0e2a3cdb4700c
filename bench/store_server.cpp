#include "bench/store_server.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/broker_process.h"

namespace ozgbus::bench {
namespace {

const std::string kScript = std::string(OZGBUS_SOURCE_DIR) + "/scripts/pg-test-server.sh";

struct ProcStat {
  long ppid = 0;
  double cpu_s = 0;
};

ProcStat statOf(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ProcStat p;
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return p;
  std::istringstream fields(stat.substr(close + 2));  // state ppid ... utime(14) stime(15)
  std::string state, skip;
  fields >> state >> p.ppid;
  for (int i = 5; i < 14; ++i) fields >> skip;
  double user = 0, system = 0;
  fields >> user >> system;
  p.cpu_s = (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return p;
}

}  // namespace

PostgresServer::PostgresServer() {
  const std::string data = (dir_.path() / "pg").string();
  auto r = testing::runCommand({kScript, "start", data});
  if (r.status != 0) throw std::runtime_error("PostgreSQL did not start: " + r.err);
  std::ifstream in(dir_.path() / "pg/url");
  std::getline(in, url_);
}

PostgresServer::~PostgresServer() {
  testing::runCommand({kScript, "stop", (dir_.path() / "pg").string()});
}

std::string PostgresServer::storeToml() const {
  return "[store]\nbackend = \"postgres\"\nurl = \"" + url_ + "\"\n";
}

double PostgresServer::cpuSeconds() const {
  std::ifstream home_file(dir_.path() / "pg/home");
  std::string home;
  std::getline(home_file, home);
  std::ifstream in(home + "/data/postmaster.pid");
  std::string postmaster;
  std::getline(in, postmaster);
  if (postmaster.empty()) return 0;
  double total = statOf(postmaster).cpu_s;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return total;
  const long parent = std::stol(postmaster);
  while (const dirent* e = readdir(proc)) {
    const std::string name = e->d_name;
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const ProcStat p = statOf(name);
    if (p.ppid == parent) total += p.cpu_s;
  }
  closedir(proc);
  return total;
}

void printMachine() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "?";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  // 4 KiB writes with O_DSYNC for a second: what one durable commit at a time can reach.
  const std::string file = "ozgbus-bench-fsync.tmp";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_DSYNC, 0600);
  std::uint64_t writes = 0;
  if (fd >= 0) {
    const std::string block(4096, 'x');
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < until) {
      if (::pwrite(fd, block.data(), block.size(), 0) != static_cast<ssize_t>(block.size())) break;
      ++writes;
    }
    ::close(fd);
    ::unlink(file.c_str());
  }
  std::printf("machine: %u cores \"%s\", O_DSYNC 4 KiB writes %llu/s (current folder)\n",
              std::thread::hardware_concurrency(), model.c_str(),
              static_cast<unsigned long long>(writes));
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace ozgbus::bench
