// What is particular to the SQLite store; what every store does is in store_contract_test.cpp.
#include "broker/store/sqlite/sqlite_store.h"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

using namespace ozgbus;
using namespace ozgbus::broker;

TEST_CASE("an unwritable store is refused at open with the path in the message") {
  auto s = SqliteStore::open("/proc/ozgbus-cannot-be-here/s.db", true);
  REQUIRE_FALSE(s.ok());
  CHECK(s.rejection().reason == v1::STORE_FAILED);
  CHECK(s.rejection().detail.find("ozgbus-cannot-be-here") != std::string::npos);
}

TEST_CASE("a reader of a file no broker has open says what the file is not") {
  testing::TempDir dir;
  auto missing = openSqliteReader(dir.path() / "nothing.db");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.rejection().detail.find("nothing.db: no such file") != std::string::npos);

  std::ofstream(dir.path() / "text.db")
      << "this is not a database, not even close; long enough to be read";
  auto text = openSqliteReader(dir.path() / "text.db");
  REQUIRE_FALSE(text.ok());
  CHECK(text.rejection().detail.find("not a database") != std::string::npos);

  {
    auto store = SqliteStore::open(dir.path() / "s.db", true);
    REQUIRE(store.ok());
  }
  auto reader = openSqliteReader(dir.path() / "s.db");
  REQUIRE(reader.ok());
  auto verdict = (*reader)->verifyAudit(std::nullopt);
  REQUIRE(verdict.ok());
  CHECK(verdict->entries == 0);
}
