#include "broker/store/dedupe_index.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using ozgbus::broker::DedupeIndex;

TEST_CASE("find returns the id the caller confirms, 0 when none does") {
  DedupeIndex d;
  const auto h = DedupeIndex::hashOf("psw:1", "u1");
  CHECK(d.find(h, [](std::uint64_t) { return true; }) == 0);
  d.insert(h, 7);
  CHECK(d.find(h, [](std::uint64_t id) { return id == 7; }) == 7);
  CHECK(d.find(h, [](std::uint64_t) { return false; }) == 0);  // a hash collision, not the key
}

TEST_CASE("colliding hashes keep every candidate; erase removes only the one named") {
  DedupeIndex d;
  d.insert(42, 1);
  d.insert(42, 2);
  d.insert(42 + 1024, 3);  // same start slot in the first table
  std::vector<std::uint64_t> seen;
  d.find(42, [&](std::uint64_t id) {
    seen.push_back(id);
    return false;
  });
  CHECK(seen == std::vector<std::uint64_t>{1, 2});
  d.erase(42, 1);
  CHECK(d.find(42, [](std::uint64_t) { return true; }) == 2);
  CHECK(d.find(42 + 1024, [](std::uint64_t) { return true; }) == 3);
  CHECK(d.size() == 2);
}

TEST_CASE("grows past its first table without losing entries") {
  DedupeIndex d;
  for (std::uint64_t i = 1; i <= 100000; ++i) d.insert(DedupeIndex::hashOf("a", std::to_string(i)), i);
  CHECK(d.size() == 100000);
  for (std::uint64_t i = 1; i <= 100000; i += 997) {
    CHECK(d.find(DedupeIndex::hashOf("a", std::to_string(i)), [&](std::uint64_t id) { return id == i; }) == i);
  }
  CHECK(d.find(DedupeIndex::hashOf("a", "absent"), [](std::uint64_t) { return true; }) == 0);
  CHECK(d.find(DedupeIndex::hashOf("b", "1"), [](std::uint64_t id) { return id == 1; }) == 0);
}
