// SpillWindow: the part of a durable, id-ordered backlog that is held in memory. New items go
// into memory while there is room and nothing older waits on disk; otherwise the window
// "spills" and the owner refills it from the store (ids above loadedUpTo()) as it drains.
// This keeps RAM bounded however deep a queue grows. Not thread-safe: one owner thread.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace ozgbus::broker {

template <typename T>
class SpillWindow {
 public:
  // start_spilled: the store may already hold items (after a restart).
  SpillWindow(std::size_t capacity, bool start_spilled)
      : capacity_(capacity), spilled_(start_spilled) {}

  // An item whose commit just became durable. Ids arrive in increasing order.
  void committed(std::uint64_t id, T item) {
    if (id <= loaded_up_to_) return;  // a refill read it already
    if (!spilled_ && items_.size() < capacity_) {
      items_.push_back(std::move(item));
      loaded_up_to_ = id;
    } else {
      spilled_ = true;
    }
  }

  bool wantsRefill() const { return spilled_ && items_.size() <= capacity_ / 2; }
  std::size_t refillSize() const { return capacity_ - items_.size(); }
  std::uint64_t loadedUpTo() const { return loaded_up_to_; }

  // Rows read from the store with id > loadedUpTo(), oldest first; fewer than asked means the
  // store holds nothing more, so memory is complete again.
  void refilled(std::vector<T>&& rows, std::size_t asked, std::uint64_t (*idOf)(const T&)) {
    for (T& row : rows) {
      const std::uint64_t id = idOf(row);
      if (id <= loaded_up_to_) continue;
      loaded_up_to_ = id;
      items_.push_back(std::move(row));
    }
    if (rows.size() < asked) spilled_ = false;
  }

  // The store may hold more than memory: the next refill looks (a cluster's other nodes
  // committed some, or their leases ran out).
  void markSpilled() { spilled_ = true; }

  // Rows claimed from the store, not read in id order (a cluster node claims what no lease
  // holds, older ids among them when a node died): all go to the back. more: the claim got all
  // it asked for, so the store may hold more.
  void claimed(std::vector<T>&& rows, bool more) {
    for (T& row : rows) items_.push_back(std::move(row));
    spilled_ = more;
  }

  // Everything in memory, handed back (a cluster node gives up what it cannot deliver).
  std::deque<T> takeAll() {
    spilled_ = true;
    return std::exchange(items_, {});
  }

  // An item stored earlier that becomes deliverable again (a replayed dead letter): its id may
  // be behind the refill cursor, so it goes into memory directly, at the back.
  void reinsert(T item) { items_.push_back(std::move(item)); }

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const T& at(std::size_t i) const { return items_[i]; }
  T& front() { return items_.front(); }
  const T& front() const { return items_.front(); }
  void popFront() { items_.pop_front(); }
  // An item that was handed out and came back (redelivery): it goes first.
  void pushFront(T item) { items_.push_front(std::move(item)); }

 private:
  std::size_t capacity_;
  bool spilled_;
  std::uint64_t loaded_up_to_ = 0;
  std::deque<T> items_;
};

}  // namespace ozgbus::broker
