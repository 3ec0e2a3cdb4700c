#include "broker/delivery/spill_window.h"

#include <doctest/doctest.h>

using ozgbus::broker::SpillWindow;

namespace {
std::uint64_t idOf(const std::uint64_t& v) { return v; }
}  // namespace

TEST_CASE("items stay in memory while there is room") {
  SpillWindow<std::uint64_t> w(4, false);
  for (std::uint64_t i = 1; i <= 3; ++i) w.committed(i, i);
  CHECK(w.size() == 3);
  CHECK_FALSE(w.wantsRefill());
}

TEST_CASE("a full window spills, and refills from the store in order") {
  SpillWindow<std::uint64_t> w(4, false);
  for (std::uint64_t i = 1; i <= 10; ++i) w.committed(i, i);
  CHECK(w.size() == 4);
  CHECK(w.loadedUpTo() == 4);
  while (!w.empty()) w.popFront();
  REQUIRE(w.wantsRefill());
  // the store returns ids 5..8 (asked for 4)
  w.refilled({5, 6, 7, 8}, 4, idOf);
  CHECK(w.front() == 5);
  CHECK(w.wantsRefill() == false);  // full again
  while (!w.empty()) w.popFront();
  w.refilled({9, 10}, 4, idOf);  // fewer than asked: the store is drained
  CHECK_FALSE(w.wantsRefill());
  w.committed(11, 11);  // new commits go to memory again
  CHECK(w.size() == 3);
}

TEST_CASE("a commit already read by a refill is not taken twice") {
  SpillWindow<std::uint64_t> w(4, true);  // after restart
  w.refilled({1, 2}, 4, idOf);
  w.committed(2, 2);
  w.committed(3, 3);
  CHECK(w.size() == 3);
}

TEST_CASE("a redelivered item goes first") {
  SpillWindow<std::uint64_t> w(4, false);
  w.committed(1, 1);
  w.committed(2, 2);
  const auto first = w.front();
  w.popFront();
  w.pushFront(first);
  CHECK(w.front() == 1);
}
