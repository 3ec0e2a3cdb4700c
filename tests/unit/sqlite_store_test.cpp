// What is particular to the SQLite store; what every store does is in store_contract_test.cpp.
#include "broker/store/sqlite/sqlite_store.h"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/files.h"
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

namespace {

InsertOp message(const std::string& uuid) {
  InsertOp op;
  op.message.uuid = uuid;
  op.message.author = op.message.sender = "psw:1";
  op.message.reader = "ars:02";
  op.message.message_type = "0100";
  op.message.queue = "q";
  op.message.payload = std::make_shared<const std::string>("<doc>" + uuid + "</doc>");
  op.origin = FromConnection{"c", 1};
  return op;
}

void run(Store& s, std::vector<StoreOp> ops) { s.apply(ops); }

void execute(const std::filesystem::path& file, const char* sql) {
  auto db = sqlite::open(file, SQLITE_OPEN_READWRITE);
  sqlite::exec(db.get(), sql);
}

}  // namespace

TEST_CASE("a document changed on disk comes back marked damaged, and the check names it") {
  testing::TempDir dir;
  const auto file = dir.path() / "s.db";
  {
    auto s = SqliteStore::open(file, true);
    REQUIRE(s.ok());
    run(**s, {message("u1"), message("u2"), message("u3")});
  }
  execute(file, "UPDATE payloads SET body = '<doc>forged</doc>' WHERE id = 2");
  auto s = SqliteStore::open(file, true);
  REQUIRE(s.ok());
  auto reader = (*s)->reader();
  REQUIRE(reader.ok());
  auto rows = (*reader)->loadQueued("q", 0, 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].damage.empty());
  CHECK((*rows)[1].damage.find("do not match the digest") != std::string::npos);
  CHECK_FALSE((*rows)[1].payload);
  CHECK((*rows)[2].damage.empty());
  auto check = (*reader)->check();
  REQUIRE(check.ok());
  CHECK(check->messages == 3);
  REQUIRE(check->problems.size() == 1);
  CHECK(check->problems[0].find("message id 2 (u2)") != std::string::npos);
}

TEST_CASE("a store that holds less than its anchor names is refused, unless the loss is accepted") {
  testing::TempDir dir;
  const auto file = dir.path() / "s.db";
  {
    auto s = SqliteStore::open(file, true);
    REQUIRE(s.ok());
    run(**s, {message("u1")});
  }
  const std::string anchor = testing::readFile(file.string() + ".anchor");
  CHECK(anchor.rfind("1 ", 0) == 0);  // the audit entry of the one message
  std::ofstream(file.string() + ".anchor") << "5 " << std::string(64, 'a') << "\n";
  auto refused = SqliteStore::open(file, true);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.rejection().reason == v1::STORE_CORRUPT);
  CHECK(refused.rejection().detail.find("ends at entry 1") != std::string::npos);
  CHECK(refused.rejection().detail.find("names entry 5") != std::string::npos);
  // A refused open leaves the anchor as it found it: the next one is refused too.
  CHECK(testing::readFile(file.string() + ".anchor") == "5 " + std::string(64, 'a') + "\n");
  CHECK_FALSE(SqliteStore::open(file, true).ok());

  std::ofstream(file.string() + ".anchor") << "1 " << std::string(64, 'b') << "\n";
  auto rewritten = SqliteStore::open(file, true);
  REQUIRE_FALSE(rewritten.ok());
  CHECK(rewritten.rejection().detail.find("is not the one") != std::string::npos);

  SqliteOptions accept;
  accept.accept_loss = true;
  REQUIRE(SqliteStore::open(file, accept).ok());
  // Anchored again to what the store holds: a normal start from now on.
  CHECK(SqliteStore::open(file, true).ok());
}
