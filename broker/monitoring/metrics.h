// Metrics registry: counters, gauges and histograms with labels, rendered as the Prometheus text
// exposition format 0.0.4 for GET /metrics.
// Thread safety: every method may be called from any thread. Counter/Gauge/Histogram updates are
// lock-free atomics; Family::with() takes the family's lock (shared on a hit, exclusive when it
// creates a child), so hot paths look a child up once and keep the reference. render() reads the
// atomics while updates go on; each series is read once, so a scrape never sees a counter go back
// or a histogram whose +Inf bucket differs from its _count.
// Registration errors (bad name, a name reused with another type or labels, a wrong number of
// label values) are programming errors and throw std::invalid_argument on the calling thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace ozgbus::broker::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // bounds: the family's finite upper bounds, ascending; must outlive the histogram.
  explicit Histogram(const std::vector<double>& bounds);

  void observe(double v);
  // Observations so far, and per bucket: counts_[i] for bounds[i], the last one for +Inf.
  // Not cumulative; render() accumulates.
  std::vector<std::uint64_t> bucketCounts() const;
  std::uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

// {1, 2.5, 5} × 10^e for e in [lowest, highest), then 10^highest: decadeBuckets(-5, 0) is
// 10µs … 1s for durations in seconds. Each bound is the double nearest its decimal, so the le
// labels read "2.5e-05", not "2.5000000000000001e-05".
std::vector<double> decadeBuckets(int lowest_exponent, int highest_exponent);
// start, start·factor, … (count bounds); exact for powers of two, e.g. batch sizes.
std::vector<double> exponentialBuckets(double start, double factor, int count);

// Escapes for the text format; exposed for tests and for anyone writing exposition by hand.
std::string escapeLabelValue(const std::string& v);  // \ " and newline
std::string escapeHelp(const std::string& help);     // \ and newline
std::string formatValue(double v);                   // shortest round-trip, +Inf, -Inf, NaN

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::string type,
             std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }
  // HELP, TYPE and one line per series.
  void render(std::string& out) const;

 protected:
  // Checks the count and makes the values valid UTF-8 (a label value that is not would make
  // Prometheus reject the whole scrape).
  std::vector<std::string> labelKey(std::vector<std::string> values) const;
  // `name{a="x",b="y"` — no closing brace, so histograms can append le.
  std::string seriesPrefix(const std::string& name, const std::vector<std::string>& values) const;
  virtual void renderSeries(std::string& out) const = 0;

 private:
  std::string name_;
  std::string help_;
  std::string type_;
  std::vector<std::string> label_names_;
};

template <class M>
class Family final : public FamilyBase {
 public:
  // Made by Registry, which also checks the bounds.
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds = {})
      : FamilyBase(std::move(name), std::move(help), typeName(), std::move(label_names)),
        bounds_(std::move(bounds)) {}

  // The child for these label values (in label-name order), created on first use. The
  // reference stays valid as long as the registry: children are never moved or removed.
  M& with(std::initializer_list<std::string> label_values) {
    return with(std::vector<std::string>(label_values));
  }
  M& with(std::vector<std::string> label_values);
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  static std::string typeName();
  void renderSeries(std::string& out) const override;

  const std::vector<double> bounds_;  // histograms only; children refer to it
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

// A gauge value read at render time, e.g. a queue depth from the store's snapshot.
struct GaugeSample {
  std::vector<std::string> label_values;
  double value = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registering a name again with the same type, labels (and bounds) returns the same family,
  // so each component can declare what it uses. Counter names must end in _total.
  Family<Counter>& counter(std::string name, std::string help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string name, std::string help,
                       std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<double> bounds,
                               std::vector<std::string> label_names = {});
  // A gauge family whose series are exactly what read() returns at each render, so a queue
  // that is gone leaves no stale series behind. read() runs on the rendering thread without
  // any registry lock held; it must not throw. A repeated label set keeps the last value; a
  // sample with the wrong number of label values is left out.
  void computedGauge(std::string name, std::string help, std::vector<std::string> label_names,
                     std::function<std::vector<GaugeSample>()> read);

  // All families, sorted by name; Content-Type: text/plain; version=0.0.4; charset=utf-8.
  std::string render() const;

 private:
  // Keeps the candidate, or returns the family already registered under its name.
  template <class F>
  F& add(std::unique_ptr<F> candidate);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
};

}  // namespace ozgbus::broker::metrics
