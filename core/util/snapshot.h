// Snapshot<T>: the version of a shared, immutable thing in force — the participant registry,
// the trust store, the schema set, the adapters, the operators' overview. A reload builds a new
// T and replace()s it; a reader keeps the one it got from get() for as long as it needs it, so
// what it uses never changes under it. Both methods are safe from any thread.
#pragma once

#include <atomic>
#include <memory>

namespace ozgbus::util {

template <typename T>
class Snapshot {
 public:
  Snapshot() = default;
  explicit Snapshot(std::shared_ptr<const T> initial) : current_(std::move(initial)) {}

  // Null until the first replace() when built empty.
  std::shared_ptr<const T> get() const { return std::atomic_load(&current_); }
  void replace(std::shared_ptr<const T> next) { std::atomic_store(&current_, std::move(next)); }

 private:
  std::shared_ptr<const T> current_;
};

}  // namespace ozgbus::util
