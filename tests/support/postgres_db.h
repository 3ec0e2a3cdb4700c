// A database of its own on the suite's PostgreSQL server (scripts/pg-test-server.sh, started by
// ctest's `services` fixture), dropped when the test is done.
#pragma once

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>

namespace ozgbus::testing {

// The server's URL, or a failed REQUIRE saying the server is not there.
inline std::string testPostgresUrl() {
  std::ifstream in(std::string(OZGBUS_TEST_PG) + "/url");
  std::string url;
  std::getline(in, url);
  REQUIRE_MESSAGE(!url.empty(), "no PostgreSQL test server: "
                                    << OZGBUS_TEST_PG
                                    << "/url is missing (ctest starts it in the pg-start test; "
                                       "by hand: scripts/pg-test-server.sh start DIR)");
  return url;
}

// Runs one statement on the server's maintenance database; false (and a failed CHECK) if it
// fails.
inline bool postgresAdmin(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(testPostgresUrl().c_str()), &PQfinish);
  REQUIRE_MESSAGE(PQstatus(c.get()) == CONNECTION_OK, PQerrorMessage(c.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  const bool ok = PQresultStatus(r.get()) == PGRES_COMMAND_OK;
  CHECK_MESSAGE(ok, sql << ": " << PQerrorMessage(c.get()));
  return ok;
}

class TestDatabase {
 public:
  TestDatabase() {
    static std::atomic<int> n{0};
    name_ = "ozgbus_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    postgresAdmin("CREATE DATABASE " + name_);
  }
  ~TestDatabase() { postgresAdmin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string url() const {
    const std::string server = testPostgresUrl();
    return server.substr(0, server.rfind('/') + 1) + name_;
  }

 private:
  std::string name_;
};

}  // namespace ozgbus::testing
