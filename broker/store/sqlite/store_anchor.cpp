#include "broker/store/sqlite/store_anchor.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ozgbus::broker {
namespace {

bool writeAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Result<std::optional<AuditTip>> StoreAnchor::read() const {
  std::ifstream in(file_);
  if (!in) return std::optional<AuditTip>();
  std::string line;
  std::getline(in, line);
  std::istringstream fields(line);
  AuditTip tip;
  std::string hash;
  if (!(fields >> tip.seq >> hash) || hash.size() != 64) {
    return reject(v1::STORE_CORRUPT, file_.string() +
                                         " is not an anchor (expected \"SEQ HASH\", found \"" +
                                         line.substr(0, 100) + "\")");
  }
  tip.hash = hash;
  return std::optional<AuditTip>(tip);
}

bool StoreAnchor::write(const AuditTip& tip) const {
  const std::filesystem::path tmp = file_.string() + ".tmp";
  const std::string content = std::to_string(tip.seq) + " " + tip.hash + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && writeAll(fd, content) && (!fsync_ || ::fdatasync(fd) == 0);
  const int why = errno;
  if (fd >= 0) ::close(fd);
  ok = ok && ::rename(tmp.c_str(), file_.c_str()) == 0;
  if (ok && fsync_) {
    // The rename itself must be durable, or a crash could bring the old anchor back.
    const int dir = ::open(file_.parent_path().empty() ? "." : file_.parent_path().c_str(),
                           O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
  if (!ok && !failing_) {
    spdlog::warn("store anchor {} not written (tried again until it is): {}", file_.string(),
                 std::strerror(why != 0 ? why : errno));
  }
  if (ok && failing_) spdlog::info("store anchor {} written again", file_.string());
  failing_ = !ok;
  return ok;
}

}  // namespace ozgbus::broker
