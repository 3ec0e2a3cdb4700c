// Retention alone, on a ManualClock: nothing before its first look, then one PurgeOp with the
// cut-off now - retain_days, none more while that step is in flight, the next soon while the
// store says there is more and a retention_interval later when not; retain_days 0 never purges.
#include "broker/store/retention.h"

#include <doctest/doctest.h>

#include "tests/support/fakes.h"

using namespace ozgbus;
using namespace ozgbus::broker;

namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

struct Fixture {
  explicit Fixture(double retain_days, std::chrono::milliseconds interval = std::chrono::minutes(1))
      : config(makeConfig(retain_days, interval)), retention(config, clock, commits) {}

  static StoreConfig makeConfig(double retain_days, std::chrono::milliseconds interval) {
    StoreConfig c;
    c.retain_days = retain_days;
    c.retention_interval = interval;
    return c;
  }

  std::size_t purges() const { return commits.of<PurgeOp>().size(); }
  PurgeOp lastPurge() const { return commits.of<PurgeOp>().back(); }

  StoreConfig config;
  util::ManualClock clock;
  testing::RecordingCommits commits;
  Retention retention;
};

}  // namespace

TEST_CASE(
    "retention purges nothing before its first look, then once with the cut-off retain_days ago") {
  Fixture f(2);
  f.retention.tick();
  f.clock.advance(std::chrono::milliseconds(9999));
  f.retention.tick();
  CHECK(f.purges() == 0);
  f.clock.advance(std::chrono::milliseconds(1));  // 10 s: the first look, not a whole minute later
  f.retention.tick();
  REQUIRE(f.purges() == 1);
  const PurgeOp p = f.lastPurge();
  CHECK(p.received_before_ms == f.clock.wallMillis() - 2 * kDayMs);
  CHECK(p.at_ms == f.clock.wallMillis());
  CHECK(p.after_id == 0);
  CHECK(p.limit == 1000);
  CHECK(f.commits.ops.size() == 1);  // nothing but the purge
}

TEST_CASE("retention sends no second step while one is in flight") {
  Fixture f(2);
  f.clock.advance(std::chrono::seconds(10));
  f.retention.tick();
  REQUIRE(f.purges() == 1);
  for (int i = 0; i < 5; ++i) {
    f.clock.advance(std::chrono::minutes(10));
    f.retention.tick();
  }
  CHECK(f.purges() == 1);
}

TEST_CASE("retention goes on soon where the last step stopped, and waits the interval once done") {
  Fixture f(2);
  f.clock.advance(std::chrono::seconds(10));
  f.retention.tick();
  REQUIRE(f.purges() == 1);
  f.retention.purged(1000, 4242);  // more to look at, after id 4242
  f.clock.advance(std::chrono::milliseconds(99));
  f.retention.tick();
  CHECK(f.purges() == 1);
  f.clock.advance(std::chrono::milliseconds(1));
  f.retention.tick();
  REQUIRE(f.purges() == 2);
  CHECK(f.lastPurge().after_id == 4242);

  f.retention.purged(12, 0);  // everything up to the cut-off was looked at
  f.clock.advance(std::chrono::seconds(59));
  f.retention.tick();
  CHECK(f.purges() == 2);
  f.clock.advance(std::chrono::seconds(1));
  f.retention.tick();
  REQUIRE(f.purges() == 3);
  CHECK(f.lastPurge().after_id == 0);  // from the start again
  CHECK(f.lastPurge().received_before_ms == f.clock.wallMillis() - 2 * kDayMs);
}

TEST_CASE(
    "retention with a short interval looks first after that interval, fractional days allowed") {
  Fixture f(0.5, std::chrono::seconds(2));
  f.clock.advance(std::chrono::milliseconds(1999));
  f.retention.tick();
  CHECK(f.purges() == 0);
  f.clock.advance(std::chrono::milliseconds(1));
  f.retention.tick();
  REQUIRE(f.purges() == 1);
  CHECK(f.lastPurge().received_before_ms == f.clock.wallMillis() - kDayMs / 2);
}

TEST_CASE("retain_days 0 never purges") {
  Fixture f(0);
  for (int i = 0; i < 10; ++i) {
    f.clock.advance(std::chrono::hours(24));
    f.retention.tick();
  }
  CHECK(f.commits.ops.empty());
}
