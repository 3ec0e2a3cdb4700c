// The store under faults: a second broker on the same store, a store that lost committed
// changes (an older copy put back), a damaged document, and what reaches the broker while it
// stops. Each shows the clear signal and that nothing accepted is lost.
#include <doctest/doctest.h>

#include <httplib.h>
#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <sys/wait.h>

#include "tests/support/broker_process.h"
#include "tests/support/files.h"

using namespace ozgbus;
using namespace std::chrono_literals;
using testing::BrokerProcess;
using testing::startFailure;
namespace fs = std::filesystem;

namespace {

void copyStore(const fs::path& from_db, const fs::path& to_dir) {
  fs::create_directories(to_dir);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path f = from_db.string() + suffix;
    if (fs::exists(f))
      fs::copy_file(f, to_dir / f.filename(), fs::copy_options::overwrite_existing);
  }
}

void restoreStore(const fs::path& from_dir, const fs::path& to_db) {
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(to_db.string() + suffix);
  for (const auto& e : fs::directory_iterator(from_dir)) {
    fs::copy_file(e.path(), to_db.parent_path() / e.path().filename(),
                  fs::copy_options::overwrite_existing);
  }
}

}  // namespace

TEST_CASE("a second broker on the same store exits at start naming the first one's pid") {
  BrokerProcess first;
  first.start();
  BrokerProcess second("[store]\npath = \"" + first.storeFile().string() + "\"\n");
  const std::string why = startFailure(second);
  CHECK(why.find("is locked by another broker (pid " + std::to_string(first.pid()) + ")") !=
        std::string::npos);
  // The first one serves on, untouched.
  auto portal = first.connect("psw:02000001", v1::PORTAL);
  CHECK(testing::submitSamples(*portal, 1).size() == 1);
}

TEST_CASE(
    "a store that lost committed messages is refused at start, until the operator accepts the "
    "loss") {
  BrokerProcess broker;
  broker.start();
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    REQUIRE(testing::submitSamples(*portal, 3).size() == 3);
  }
  REQUIRE(broker.stop(SIGTERM) == 0);
  const fs::path older = broker.dir() / "older";
  copyStore(broker.storeFile(), older);
  broker.start();
  std::set<std::string> later;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    later = testing::submitSamples(*portal, 3);
    REQUIRE(later.size() == 3);
  }
  REQUIRE(broker.stop(SIGTERM) == 0);
  // An older copy put back (or a write-ahead log cut short): the anchor knows better.
  restoreStore(older, broker.storeFile());
  const std::string why = startFailure(broker);
  CHECK(why.find("holds less than was committed") != std::string::npos);
  CHECK(why.find("--accept-store-loss") != std::string::npos);

  broker.setArgs({"--accept-store-loss"});
  broker.start();
  CHECK_MESSAGE(broker.waitForLog("going on with what it holds (--accept-store-loss)"),
                broker.log());
  // Accepted from now on, anchored again: the next start is a normal one.
  broker.setArgs({});
  REQUIRE(broker.stop(SIGTERM) == 0);
  broker.start();
}

TEST_CASE(
    "a damaged document is never delivered: it becomes a STORE_CORRUPT dead letter and the queue "
    "goes on") {
  BrokerProcess broker;
  broker.start();
  std::vector<std::string> uuids;
  {
    auto portal = broker.connect("psw:02000001", v1::PORTAL);
    for (int i = 0; i < 3; ++i) {
      std::string uuid;
      auto r = portal->submit(testing::sampleMessage("gewerbeanmeldung-1.0-hamburg.xml", &uuid));
      REQUIRE(r.ok());
      REQUIRE(r->accepted());
      uuids.push_back(uuid);
    }
  }
  REQUIRE(broker.stop(SIGTERM) == 0);
  // One byte of the second document's body changed on disk (SQLite itself does not notice).
  {
    std::string db = testing::readFile(broker.storeFile());
    const auto at = db.find("<nachrichtenUUID>" + uuids[1]);
    REQUIRE(at != std::string::npos);
    const auto body = db.find("Hamburg", at);
    REQUIRE(body != std::string::npos);
    db[body] = 'X';
    std::ofstream(broker.storeFile(), std::ios::binary | std::ios::trunc) << db;
  }
  const auto check = testing::runCommand(
      {OZGBUS_BROKER_BIN, "--config", (broker.dir() / "ozgbus.toml").string(), "--check"});
  CHECK(check.status == 1);
  CHECK(check.out.find("DAMAGED message id") != std::string::npos);
  CHECK(check.out.find(uuids[1]) != std::string::npos);

  broker.start();
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 8);
  CHECK(testing::drainAcking(*backend, 3, 5s) == std::set<std::string>{uuids[0], uuids[2]});
  CHECK(broker.waitForLog("STORE DAMAGED"));
  httplib::Client http("127.0.0.1", broker.httpPort());
  auto dead = http.Get("/api/dead-letters");
  REQUIRE(dead);
  CHECK(dead->body.find("STORE_CORRUPT") != std::string::npos);
  auto metrics = http.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("ozgbus_store_damaged_total{queue=\"hh-gewerbeamt\"} 1") !=
        std::string::npos);
}

TEST_CASE(
    "what a portal sends while the broker stops is answered, SHUTTING_DOWN once it is stopping") {
  BrokerProcess broker(
      "[limits]\nsubmit_rate = 1000000.0\nsubmit_burst = 100000.0\nmax_in_flight_submits = "
      "100000\n");
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  std::set<std::uint64_t> posted;
  std::size_t answered = 0, shutting_down = 0;
  const auto take = [&](std::chrono::milliseconds wait) {
    while (auto in = portal->receive(wait)) {
      if (in->envelope.command() != v1::SUBMIT_RESULT) continue;
      ++answered;
      if (in->envelope.submit_result().reason() == v1::SHUTTING_DOWN) ++shutting_down;
    }
  };
  for (int i = 0; i < 200; ++i) posted.insert(portal->post(testing::sampleMessage()));
  ::kill(broker.pid(), SIGTERM);
  // A client that stops sending when told the broker is stopping gets an answer to everything.
  while (shutting_down == 0 && posted.size() < 20000) {
    posted.insert(portal->post(testing::sampleMessage()));
    take(0ms);
  }
  take(3000ms);
  CHECK(shutting_down > 0);
  CHECK_MESSAGE(answered == posted.size(), broker.log());
  CHECK(broker.stop(SIGTERM) == 0);
}

namespace {

// A tmpfs of a few MB for the store: the disk that fills up. Needs root (mount); without it the
// test says it was skipped.
struct SmallDisk {
  SmallDisk() {
    fs::create_directories(dir.path() / "disk");
    mounted = testing::runCommand({"mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs",
                                   (dir.path() / "disk").string()})
                  .status == 0;
  }
  ~SmallDisk() {
    if (mounted) testing::runCommand({"umount", "-l", (dir.path() / "disk").string()});
  }
  fs::path path() const { return dir.path() / "disk"; }
  // Takes every free byte but `keep`.
  void fill(std::size_t keep = 0) {
    std::ofstream out(path() / "filler", std::ios::binary | std::ios::app);
    const std::string chunk(4096, 'x');
    while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) && out.flush()) {
    }
    out.close();
    if (keep > 0) fs::resize_file(path() / "filler", fs::file_size(path() / "filler") - keep);
  }
  void free() { fs::remove(path() / "filler"); }

  testing::TempDir dir;
  bool mounted = false;
};

// Holds a read transaction on the store open, as a long backup would: the write-ahead log cannot
// start over while it lasts, so every commit needs new room.
struct SnapshotPin {
  explicit SnapshotPin(const fs::path& file) {
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM messages;", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
  }
  ~SnapshotPin() {
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  sqlite3* db = nullptr;
};

int readyz(const BrokerProcess& broker) {
  httplib::Client http("127.0.0.1", broker.httpPort());
  auto r = http.Get("/readyz");
  return r ? r->status : 0;
}

}  // namespace

TEST_CASE(
    "a full disk: STORE_FAILED and readyz 503, settles committed once there is room, SIGTERM in "
    "time, nothing lost") {
  SmallDisk disk;
  if (!disk.mounted) {
    MESSAGE("SKIPPED: cannot mount a tmpfs here (needs root); the disk-full test did not run");
    return;
  }
  // A small write-ahead log, cut back after each restart: little room to reuse when the disk is
  // full.
  BrokerProcess broker("[store]\npath = \"" + (disk.path() / "ozgbus.db").string() +
                           "\"\nwal_restart_bytes = 32768\n",
                       "info");
  broker.start();
  auto portal = broker.connect("psw:02000001", v1::PORTAL);
  auto backend = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  const auto waitReady = [&](int status) {
    for (int i = 0; i < 60 && readyz(broker) != status; ++i) std::this_thread::sleep_for(50ms);
    return readyz(broker);
  };
  const auto hold = [&](std::size_t n) {
    std::vector<std::uint64_t> held;
    while (held.size() < n) {
      auto in = testing::nextOf(*backend, v1::DELIVER);
      REQUIRE(in);
      held.push_back(in->envelope.deliver().delivery_id());
    }
    return held;
  };
  const auto receiptsFor = [&](const std::set<std::string>& expected) {
    std::set<std::string> got;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (got.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
      auto in = portal->receive(200ms);
      if (!in || in->envelope.command() != v1::RECEIPT) continue;
      got.insert(in->envelope.receipt().message_uuid());
      portal->ackReceipt(in->envelope.receipt().receipt_id());
    }
    return got;
  };

  // Full: what needs more room is refused, nothing accepted is lost.
  const std::set<std::string> first = testing::submitSamples(*portal, 20);
  REQUIRE(first.size() == 20);
  const auto first_held = hold(20);
  disk.fill();
  std::string big = testing::sampleMessage();
  big.insert(big.rfind("</"), "<!--" + std::string(512 * 1024, 'p') + "-->");
  auto refused = portal->submit(big);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->accepted());
  CHECK(refused->reason() == v1::STORE_FAILED);
  CHECK(broker.waitForLog("store commit failed"));
  CHECK(waitReady(503) == 503);
  for (auto id : first_held) backend->ack(id);
  disk.free();
  CHECK(receiptsFor(first) == first);  // settles committed, now or once there was room
  CHECK(waitReady(200) == 200);

  // Full, and the write-ahead log cannot start over (a reader holds an old snapshot, as a long
  // backup would): the commits that need room fail and are tried again; whatever SQLite manages
  // to fit, every ACK is committed once there is room again.
  const std::set<std::string> second = testing::submitSamples(*portal, 5);
  REQUIRE(second.size() == 5);
  const auto second_held = hold(5);
  {
    SnapshotPin pin(disk.path() / "ozgbus.db");
    disk.fill();
    for (auto id : second_held) backend->ack(id);
    std::this_thread::sleep_for(500ms);
    disk.free();
  }
  CHECK(receiptsFor(second) == second);

  // The same with the broker stopping: SIGTERM does not wait for the disk; after the restart
  // what was not settled is delivered again.
  const std::set<std::string> third = testing::submitSamples(*portal, 5);
  REQUIRE(third.size() == 5);
  const auto third_held = hold(5);
  auto pin = std::make_unique<SnapshotPin>(disk.path() / "ozgbus.db");
  disk.fill();
  for (auto id : third_held) backend->ack(id);
  std::this_thread::sleep_for(300ms);
  // Receipts that made it before the stop: those messages are settled.
  std::set<std::string> receipted;
  while (auto in = portal->receive(100ms)) {
    if (in->envelope.command() == v1::RECEIPT)
      receipted.insert(in->envelope.receipt().message_uuid());
  }
  backend.reset();
  portal.reset();
  const auto stop_started = std::chrono::steady_clock::now();
  const int status = broker.stop(SIGTERM);
  CHECK(std::chrono::steady_clock::now() - stop_started < 5s);
  CHECK(WIFEXITED(status));
  pin.reset();
  disk.free();
  broker.start();
  auto again = broker.connect("hh-gewerbeamt", v1::BACKEND, 64);
  // Nothing accepted is lost: each was settled (its receipt came) or is delivered again now.
  auto accounted = testing::drainAcking(*again, third.size() - receipted.size(), 10s);
  accounted.insert(receipted.begin(), receipted.end());
  CHECK_MESSAGE(accounted == third, receipted.size() << " receipted before the stop\n"
                                                     << broker.log());
}
