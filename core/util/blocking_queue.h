// BlockingQueue<T>: hands work from any number of threads to the threads that take it (the
// pipeline's workers, the store's group committer). push() never blocks; take() and takeBatch()
// wait for work and return nothing once the queue is closed and empty, so a consumer finishes
// what was queued before it stops. Every method is safe from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <vector>

namespace ozgbus::util {

template <typename T>
class BlockingQueue {
 public:
  void push(T item) {
    {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(item));
    }
    cv_.notify_one();
  }

  // Items that must go before everything queued (work that failed and is to be done again).
  void pushFront(std::vector<T>&& items) {
    {
      std::lock_guard lock(mu_);
      items_.insert(items_.begin(), std::make_move_iterator(items.begin()),
                    std::make_move_iterator(items.end()));
    }
    cv_.notify_one();
  }

  // The next item; empty once closed and drained.
  std::optional<T> take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Up to max items into out (cleared first), waiting for at least one; false once closed and
  // drained.
  bool takeBatch(std::vector<T>& out, std::size_t max) {
    out.clear();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    const std::size_t n = std::min(max, items_.size());
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    return true;
  }

  // Wakes every taker; what is queued can still be taken, nothing new is waited for.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  // Items dropped unprocessed (a stop that must not wait for them).
  std::vector<T> drain() {
    std::lock_guard lock(mu_);
    std::vector<T> out(std::make_move_iterator(items_.begin()),
                       std::make_move_iterator(items_.end()));
    items_.clear();
    return out;
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace ozgbus::util
