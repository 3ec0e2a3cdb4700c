#include "broker/store/dedupe_index.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using ozgbus::broker::DedupeIndex;

TEST_CASE("find returns the id the caller confirms, 0 when none does") {
  DedupeIndex d;
  const auto h = DedupeIndex::hashOf("u1");
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
  for (std::uint64_t i = 1; i <= 100000; ++i) d.insert(DedupeIndex::hashOf(std::to_string(i)), i);
  CHECK(d.size() == 100000);
  for (std::uint64_t i = 1; i <= 100000; i += 997) {
    CHECK(d.find(DedupeIndex::hashOf(std::to_string(i)),
                 [&](std::uint64_t id) { return id == i; }) == i);
  }
  CHECK(d.find(DedupeIndex::hashOf("absent"), [](std::uint64_t) { return true; }) == 0);
}

TEST_CASE("the key is the UUID in any letter case; candidates lists every id under it") {
  DedupeIndex d;
  d.insert(DedupeIndex::hashOf("0B7C4A2E-5D1F-4E8A-9C3B-6F2D8E1A7B40"), 5);
  d.insert(DedupeIndex::hashOf("0b7c4a2e-5d1f-4e8a-9c3b-6f2d8e1a7b40"), 9);  // another author's
  CHECK(d.candidates(DedupeIndex::hashOf("0b7c4a2e-5d1f-4e8a-9c3b-6f2D8E1A7B40")) ==
        std::vector<std::uint64_t>{5, 9});
  CHECK(d.candidates(DedupeIndex::hashOf("1b7c4a2e-5d1f-4e8a-9c3b-6f2d8e1a7b40")).empty());
}
