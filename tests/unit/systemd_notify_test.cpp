#include "core/util/systemd_notify.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/support/temp_dir.h"

TEST_CASE("notifySystemd sends its state to $NOTIFY_SOCKET and does nothing without it") {
  ozgbus::testing::TempDir dir;
  const std::string path = (dir.path() / "notify").string();
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);

  ::unsetenv("NOTIFY_SOCKET");
  CHECK(ozgbus::util::notifySystemd("READY=1"));  // nobody asked: nothing sent, no error
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  CHECK(ozgbus::util::notifySystemd("READY=1"));
  char buf[64] = {};
  const auto n = ::recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) == "READY=1");
  ::setenv("NOTIFY_SOCKET", (dir.path() / "nobody-listens").c_str(), 1);
  CHECK_FALSE(ozgbus::util::notifySystemd("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
  ::close(fd);
}
