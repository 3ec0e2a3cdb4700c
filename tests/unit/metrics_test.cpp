#include "broker/monitoring/metrics.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace ozgbus;
using broker::metrics::GaugeSample;
using broker::metrics::Registry;

TEST_CASE("a small registry renders in the text format, families sorted, children by labels") {
  Registry r;
  auto& accepted = r.counter("ozgbus_messages_accepted_total", "Messages accepted.",
                             {"destination", "message_type"});
  accepted.with({"hh-nord", "wohngeld"}).inc(3);
  accepted.with({"by-muc", "ummeldung"}).inc();
  r.gauge("ozgbus_build_info", "Always 1; the version is in the label.", {"version"})
      .with({"0.3.0"})
      .set(1);
  auto& stage = r.histogram("ozgbus_stage_duration_seconds", "Time a stage takes, in seconds.",
                            {0.25, 1}, {"stage"});
  for (const double v : {0.125, 0.25, 0.5, 4.0}) stage.with({"parse"}).observe(v);
  r.gauge("ozgbus_queue_depth", "Messages waiting.", {"queue"});  // no series yet

  CHECK(r.render() ==
        "# HELP ozgbus_build_info Always 1; the version is in the label.\n"
        "# TYPE ozgbus_build_info gauge\n"
        "ozgbus_build_info{version=\"0.3.0\"} 1\n"
        "# HELP ozgbus_messages_accepted_total Messages accepted.\n"
        "# TYPE ozgbus_messages_accepted_total counter\n"
        "ozgbus_messages_accepted_total{destination=\"by-muc\",message_type=\"ummeldung\"} 1\n"
        "ozgbus_messages_accepted_total{destination=\"hh-nord\",message_type=\"wohngeld\"} 3\n"
        "# HELP ozgbus_queue_depth Messages waiting.\n"
        "# TYPE ozgbus_queue_depth gauge\n"
        "# HELP ozgbus_stage_duration_seconds Time a stage takes, in seconds.\n"
        "# TYPE ozgbus_stage_duration_seconds histogram\n"
        "ozgbus_stage_duration_seconds_bucket{stage=\"parse\",le=\"0.25\"} 2\n"
        "ozgbus_stage_duration_seconds_bucket{stage=\"parse\",le=\"1\"} 3\n"
        "ozgbus_stage_duration_seconds_bucket{stage=\"parse\",le=\"+Inf\"} 4\n"
        "ozgbus_stage_duration_seconds_sum{stage=\"parse\"} 4.875\n"
        "ozgbus_stage_duration_seconds_count{stage=\"parse\"} 4\n");
}

TEST_CASE("metrics without labels are written bare and read 0 before their first update") {
  Registry r;
  r.counter("ozgbus_store_commits_total", "Group commits.");
  r.histogram("ozgbus_store_commit_batch_size", "Messages per group commit.", {1, 8});
  CHECK(r.render() ==
        "# HELP ozgbus_store_commit_batch_size Messages per group commit.\n"
        "# TYPE ozgbus_store_commit_batch_size histogram\n"
        "ozgbus_store_commit_batch_size_bucket{le=\"1\"} 0\n"
        "ozgbus_store_commit_batch_size_bucket{le=\"8\"} 0\n"
        "ozgbus_store_commit_batch_size_bucket{le=\"+Inf\"} 0\n"
        "ozgbus_store_commit_batch_size_sum 0\n"
        "ozgbus_store_commit_batch_size_count 0\n"
        "# HELP ozgbus_store_commits_total Group commits.\n"
        "# TYPE ozgbus_store_commits_total counter\n"
        "ozgbus_store_commits_total 0\n");
}

TEST_CASE("label values and HELP text are escaped; invalid UTF-8 becomes U+FFFD") {
  Registry r;
  auto& f = r.gauge("g", "a \\ backslash,\na newline and \"quotes\"", {"v"});
  f.with({"C:\\in \"quotes\"\nnext"}).set(1);
  f.with({"Bad \xff byte, good \xc3\xa4"}).set(2);
  f.with({"Bad \xfe byte, good \xc3\xa4"}).set(3);  // the same series after replacement
  f.with({"overlong \xc0\xaf, surrogate \xed\xa0\x80"}).set(4);
  CHECK(r.render() ==
        "# HELP g a \\\\ backslash,\\na newline and \"quotes\"\n"
        "# TYPE g gauge\n"
        "g{v=\"Bad \xef\xbf\xbd byte, good \xc3\xa4\"} 3\n"
        "g{v=\"C:\\\\in \\\"quotes\\\"\\nnext\"} 1\n"
        "g{v=\"overlong \xef\xbf\xbd\xef\xbf\xbd, "
        "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"} 4\n");
}

TEST_CASE("values are written as Prometheus parses them and client_golang writes them") {
  using broker::metrics::formatValue;
  CHECK(formatValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(formatValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(formatValue(std::nan("")) == "NaN");
  CHECK(formatValue(0) == "0");
  CHECK(formatValue(-0.0) == "-0");
  CHECK(formatValue(0.1) == "0.1");
  CHECK(formatValue(-2.5) == "-2.5");
  CHECK(formatValue(0.0001) == "0.0001");
  CHECK(formatValue(0.00001) == "1e-05");
  CHECK(formatValue(123456.5) == "123456.5");
  CHECK(formatValue(1234567) == "1.234567e+06");
  CHECK(formatValue(1.5e300) == "1.5e+300");
  CHECK(formatValue(5e-324) == "5e-324");
}

TEST_CASE("bucket helpers give bounds that print as their decimals") {
  const std::vector<double> d = broker::metrics::decadeBuckets(-5, 0);
  REQUIRE(d.size() == 16);
  std::string les;
  for (const double b : d) les += broker::metrics::formatValue(b) + " ";
  CHECK(les ==
        "1e-05 2.5e-05 5e-05 0.0001 0.00025 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 "
        "0.5 1 ");
  CHECK(broker::metrics::decadeBuckets(0, 7).back() == 1e7);
  CHECK(broker::metrics::exponentialBuckets(1, 2, 4) == std::vector<double>{1, 2, 4, 8});
}

TEST_CASE("a histogram counts an observation equal to a bound in that bound's bucket") {
  Registry r;
  auto& h = r.histogram("h", "x", {1, 2}).with({});
  h.observe(1);
  h.observe(2.0000001);
  h.observe(std::nan(""));  // a broken clock reading shows up in +Inf, as client_golang does
  CHECK(h.bucketCounts() == std::vector<std::uint64_t>{1, 0, 2});
  CHECK(h.count() == 3);
  CHECK(std::isnan(h.sum()));
}

TEST_CASE("names, labels and bounds are checked when a metric is registered") {
  Registry r;
  CHECK_THROWS_AS(r.gauge("1st", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("has-dash", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ozgbus_messages", "x"), std::invalid_argument);  // no _total
  CHECK_THROWS_AS(r.gauge("ozgbus_messages_total", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("ozgbus_things_count", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("ozgbus_g", ""), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("ozgbus_g", "x", {"__reserved"}), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("ozgbus_g", "x", {"a:b"}), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("ozgbus_g", "x", {"queue", "queue"}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("ozgbus_h", "x", {1}, {"le"}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("ozgbus_h", "x", {1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("ozgbus_h", "x", {1, std::numeric_limits<double>::infinity()}),
                  std::invalid_argument);
  CHECK(r.render().empty());  // nothing half-registered

  auto& q = r.gauge("ozgbus_queue_depth", "x", {"queue"});
  CHECK(&r.gauge("ozgbus_queue_depth", "another text", {"queue"}) == &q);
  CHECK_THROWS_AS(r.gauge("ozgbus_queue_depth", "x", {"destination"}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ozgbus_queue_depth", "x"), std::invalid_argument);  // not _total
  auto& h = r.histogram("ozgbus_h", "x", {1, 2});
  CHECK(&r.histogram("ozgbus_h", "x", {1, 2}) == &h);
  CHECK_THROWS_AS(r.histogram("ozgbus_h", "x", {1, 3}), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("ozgbus_h", "x"), std::invalid_argument);
  CHECK_THROWS_AS(q.with({}), std::invalid_argument);
  CHECK_THROWS_AS(q.with({"a", "b"}), std::invalid_argument);
}

TEST_CASE("a child keeps its address while others are added") {
  Registry r;
  auto& f = r.counter("c_total", "x", {"n"});
  broker::metrics::Counter& first = f.with({"0"});
  for (int i = 1; i < 1000; ++i) f.with({std::to_string(i)}).inc();
  first.inc(7);
  CHECK(&f.with({"0"}) == &first);
  CHECK(f.with({"0"}).value() == 7);
}

TEST_CASE("a computed gauge shows exactly what its reader returns at each render") {
  Registry r;
  std::vector<GaugeSample> samples = {{{"hh"}, 3}, {{"by"}, 1}};
  r.computedGauge("ozgbus_queue_depth", "Messages waiting.", {"queue"}, [&] { return samples; });
  CHECK(r.render() ==
        "# HELP ozgbus_queue_depth Messages waiting.\n"
        "# TYPE ozgbus_queue_depth gauge\n"
        "ozgbus_queue_depth{queue=\"by\"} 1\n"
        "ozgbus_queue_depth{queue=\"hh\"} 3\n");
  // hh is gone; a repeated label set keeps its last value; a wrong label count is left out.
  samples = {{{"by"}, 2}, {{"by"}, 5}, {{"x", "y"}, 9}};
  CHECK(r.render() ==
        "# HELP ozgbus_queue_depth Messages waiting.\n"
        "# TYPE ozgbus_queue_depth gauge\n"
        "ozgbus_queue_depth{queue=\"by\"} 5\n");
  CHECK_THROWS_AS(r.computedGauge("ozgbus_queue_depth", "x", {"queue"},
                                  [] { return std::vector<GaugeSample>{}; }),
                  std::invalid_argument);
}

TEST_CASE("a computed gauge's reader may register metrics while the registry renders") {
  Registry r;
  r.computedGauge("a", "x", {}, [&r] {
    r.counter("b_total", "x");
    return std::vector<GaugeSample>{{{}, 1}};
  });
  const std::string first = r.render();
  CHECK(first.find("a 1\n") != std::string::npos);
  CHECK(first.find("b_total") == std::string::npos);  // registered after the render began
  CHECK(r.render().find("b_total 0\n") != std::string::npos);
}

TEST_CASE("updates from several threads while rendering lose nothing") {
  Registry r;
  auto& submitted = r.counter("ozgbus_messages_submitted_total", "x", {"message_type"});
  auto& depth = r.gauge("ozgbus_inflight", "x");
  auto& stage = r.histogram("ozgbus_stage_duration_seconds", "x",
                            broker::metrics::decadeBuckets(-5, 0), {"stage"});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::atomic<bool> done{false};
  int scrapes = 0;
  bool went_back = false;
  std::thread scraper([&] {
    const std::string key = "ozgbus_messages_submitted_total{message_type=\"shared\"} ";
    std::uint64_t last = 0;
    while (!done.load()) {
      const std::string text = r.render();
      ++scrapes;
      if (auto at = text.find(key); at != std::string::npos) {
        const std::uint64_t now = std::stoull(text.substr(at + key.size()));
        went_back = went_back || now < last;
        last = now;
      }
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      auto& shared = submitted.with({"shared"});
      auto& mine = stage.with({"stage" + std::to_string(t % 2)});
      for (int i = 0; i < kPerThread; ++i) {
        shared.inc();
        depth.with({}).add(1);
        mine.observe(i % 2 == 0 ? 0.00002 : 0.3);
        if (i % 1000 == 0) {
          submitted.with({"t" + std::to_string(t) + "-" + std::to_string(i)}).inc();  // new child
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  scraper.join();

  CHECK(scrapes > 1);  // rendering did overlap the updates
  CHECK_FALSE(went_back);

  CHECK(submitted.with({"shared"}).value() == kThreads * kPerThread);
  CHECK(depth.with({}).value() == kThreads * kPerThread);
  const auto& h = stage.with({"stage0"});
  CHECK(h.count() == 2 * kPerThread);
  CHECK(h.bucketCounts()[1] == kPerThread);   // 20µs lands in le=2.5e-05
  CHECK(h.bucketCounts()[14] == kPerThread);  // 0.3s lands in le=0.5
  CHECK(h.sum() == doctest::Approx(kPerThread * (0.00002 + 0.3)));
  const std::string text = r.render();
  CHECK(text.find("ozgbus_messages_submitted_total{message_type=\"shared\"} 200000\n") !=
        std::string::npos);
  CHECK(text.find("ozgbus_messages_submitted_total{message_type=\"t3-49000\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("ozgbus_stage_duration_seconds_count{stage=\"stage1\"} 100000\n") !=
        std::string::npos);
}
