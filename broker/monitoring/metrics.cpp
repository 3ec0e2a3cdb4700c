#include "broker/monitoring/metrics.h"

#include "core/util/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace ozgbus::broker::metrics {
namespace {

bool validName(const std::string& s, bool colon_allowed) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (colon_allowed && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

[[noreturn]] void fail(const std::string& metric, const std::string& what) {
  throw std::invalid_argument("metric " + metric + ": " + what);
}

std::string formatCount(std::uint64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace

namespace {

// The text format escapes backslash and newline everywhere, and double quotes in label values.
std::string escaped(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escapeLabelValue(const std::string& v) { return escaped(v, true); }

std::string escapeHelp(const std::string& help) { return escaped(help, false); }

std::string formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Written as client_golang writes it (Go's %g, shortest round-trip: exponent form below 1e-4
  // and from 1e6 on), so le labels match what operators know from other exporters; to_chars
  // does not depend on the locale.
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  int exponent = 0;
  const std::string_view exp_digits = sci.substr(sci.find('e') + 1);
  std::from_chars(exp_digits.data() + (exp_digits.front() == '+' ? 1 : 0),
                  exp_digits.data() + exp_digits.size(), exponent);
  if (exponent < -4 || exponent >= 6) return std::string(sci);
  res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::vector<double> decadeBuckets(int lowest_exponent, int highest_exponent) {
  // m / 10^k and m * 10^k with exact operands round once, to the double nearest the decimal.
  const auto scaled = [](double m, int e) {
    const double p = std::pow(10.0, std::abs(e));
    return e < 0 ? m / p : m * p;
  };
  std::vector<double> out;
  for (int e = lowest_exponent; e < highest_exponent; ++e) {
    for (const double m : {1.0, 2.5, 5.0}) out.push_back(scaled(m, e));
  }
  out.push_back(scaled(1.0, highest_exponent));
  return out;
}

std::vector<double> exponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  double b = start;
  for (int i = 0; i < count; ++i, b *= factor) out.push_back(b);
  return out;
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double v) {
  // le is inclusive: v goes to the first bound >= v. NaN lands in +Inf (as client_golang does).
  const std::size_t i =
      std::isnan(v) ? bounds_.size()
                    : static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                               bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::bucketCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

std::uint64_t Histogram::count() const {
  std::uint64_t n = 0;
  for (const std::uint64_t c : bucketCounts()) n += c;
  return n;
}

FamilyBase::FamilyBase(std::string name, std::string help, std::string type,
                       std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(util::validUtf8(std::move(help))),
      type_(std::move(type)),
      label_names_(std::move(label_names)) {
  if (!validName(name_, true)) fail(name_, "name must match [a-zA-Z_:][a-zA-Z0-9_:]*");
  if (help_.empty()) fail(name_, "HELP text is empty; say what is counted and in which unit");
  if ((type_ == "counter") != endsWith(name_, "_total")) {
    fail(name_, "counters, and only counters, end in _total");
  }
  // With these two rules no family can write a series named like another family's.
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (endsWith(name_, suffix)) fail(name_, std::string("the suffix ") + suffix + " is reserved");
  }
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    const std::string& l = label_names_[i];
    if (!validName(l, false)) {
      fail(name_, "label name '" + l + "' must match [a-zA-Z_][a-zA-Z0-9_]*");
    }
    if (l.rfind("__", 0) == 0) fail(name_, "label names starting with __ are reserved");
    if (type_ == "histogram" && l == "le") fail(name_, "le is the histogram's own label");
    if (std::find(label_names_.begin(), label_names_.begin() + static_cast<long>(i), l) !=
        label_names_.begin() + static_cast<long>(i)) {
      fail(name_, "label name '" + l + "' given twice");
    }
  }
}

void FamilyBase::render(std::string& out) const {
  out += "# HELP " + name_ + " " + escapeHelp(help_) + "\n";
  out += "# TYPE " + name_ + " " + type_ + "\n";
  renderSeries(out);
}

std::vector<std::string> FamilyBase::labelKey(std::vector<std::string> values) const {
  if (values.size() != label_names_.size()) {
    fail(name_, std::to_string(values.size()) + " label values given for " +
                    std::to_string(label_names_.size()) + " label names");
  }
  for (std::string& v : values) v = util::validUtf8(std::move(v));
  return values;
}

std::string FamilyBase::seriesPrefix(const std::string& name,
                                     const std::vector<std::string>& values) const {
  std::string out = name + "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ",";
    out += label_names_[i] + "=\"" + escapeLabelValue(values[i]) + "\"";
  }
  return out;
}

template <class M>
std::string Family<M>::typeName() {
  if constexpr (std::is_same_v<M, Counter>) return "counter";
  if constexpr (std::is_same_v<M, Gauge>) return "gauge";
  return "histogram";
}

template <class M>
M& Family<M>::with(std::vector<std::string> label_values) {
  std::vector<std::string> key = labelKey(std::move(label_values));
  {
    std::shared_lock lock(mutex_);
    auto it = children_.find(key);
    if (it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& child = children_[std::move(key)];
  if (!child) {
    if constexpr (std::is_same_v<M, Histogram>) {
      child = std::make_unique<M>(bounds_);
    } else {
      child = std::make_unique<M>();
    }
  }
  return *child;
}

template <class M>
void Family<M>::renderSeries(std::string& out) const {
  std::shared_lock lock(mutex_);
  for (const auto& [values, child] : children_) {
    // A series without labels is written bare: `name 1`, not `name{} 1`.
    const auto series = [&](const std::string& name) {
      return values.empty() ? name : seriesPrefix(name, values) + "}";
    };
    if constexpr (std::is_same_v<M, Counter>) {
      out += series(name()) + " " + formatCount(child->value()) + "\n";
    } else if constexpr (std::is_same_v<M, Gauge>) {
      out += series(name()) + " " + formatValue(child->value()) + "\n";
    } else {
      const std::vector<std::uint64_t> counts = child->bucketCounts();
      const std::string bucket =
          seriesPrefix(name() + "_bucket", values) + (values.empty() ? "le=\"" : ",le=\"");
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        const std::string le = i < bounds_.size() ? formatValue(bounds_[i]) : "+Inf";
        out += bucket + le + "\"} " + formatCount(cumulative) + "\n";
      }
      // _count is the +Inf bucket from the same read, so the two always agree.
      out += series(name() + "_sum") + " " + formatValue(child->sum()) + "\n";
      out += series(name() + "_count") + " " + formatCount(cumulative) + "\n";
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

namespace {

class ComputedGauge final : public FamilyBase {
 public:
  ComputedGauge(std::string name, std::string help, std::vector<std::string> label_names,
                std::function<std::vector<GaugeSample>()> read)
      : FamilyBase(std::move(name), std::move(help), "gauge", std::move(label_names)),
        read_(std::move(read)) {}

 private:
  void renderSeries(std::string& out) const override {
    // A sample with the wrong number of labels is left out rather than thrown: render() runs
    // on the HTTP thread, and one bad collector should not take the other metrics with it.
    std::map<std::vector<std::string>, double> series;
    for (GaugeSample& s : read_()) {
      if (s.label_values.size() != labelNames().size()) continue;
      series[labelKey(std::move(s.label_values))] = s.value;
    }
    for (const auto& [values, value] : series) {
      out += (values.empty() ? name() : seriesPrefix(name(), values) + "}") + " " +
             formatValue(value) + "\n";
    }
  }

  std::function<std::vector<GaugeSample>()> read_;
};

}  // namespace

template <class F>
F& Registry::add(std::unique_ptr<F> candidate) {
  const std::string& name = candidate->name();
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) {
    auto* same = dynamic_cast<F*>(it->second.get());
    if (same == nullptr || same->type() != candidate->type() ||
        same->labelNames() != candidate->labelNames()) {
      fail(name, "registered before with another type or other labels");
    }
    if constexpr (std::is_same_v<F, Family<Histogram>>) {
      if (same->bounds() != candidate->bounds()) fail(name, "registered before with other buckets");
    }
    if constexpr (std::is_same_v<F, ComputedGauge>) fail(name, "registered before");
    return *same;
  }
  F& ref = *candidate;
  if constexpr (!std::is_same_v<F, ComputedGauge>) {
    if (ref.labelNames().empty()) ref.with({});  // a label-less metric reads 0 from the start
  }
  families_.emplace(name, std::move(candidate));
  return ref;
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names) {
  return add(
      std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(label_names)));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names) {
  return add(
      std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(label_names)));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<double> bounds,
                                       std::vector<std::string> label_names) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) fail(name, "bucket bounds must be finite; +Inf is implicit");
    if (i > 0 && !(bounds[i - 1] < bounds[i])) fail(name, "bucket bounds must ascend strictly");
  }
  return add(std::make_unique<Family<Histogram>>(std::move(name), std::move(help),
                                                 std::move(label_names), std::move(bounds)));
}

void Registry::computedGauge(std::string name, std::string help,
                             std::vector<std::string> label_names,
                             std::function<std::vector<GaugeSample>()> read) {
  add(std::make_unique<ComputedGauge>(std::move(name), std::move(help), std::move(label_names),
                                      std::move(read)));
}

std::string Registry::render() const {
  // Families are never removed, so the pointers outlive the lock; rendering without it lets a
  // computed gauge's read() register metrics, and registration need not wait for a scrape.
  std::vector<const FamilyBase*> families;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) families.push_back(family.get());
  }
  std::string out;
  for (const FamilyBase* f : families) f->render(out);
  return out;
}

}  // namespace ozgbus::broker::metrics
