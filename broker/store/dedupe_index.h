// DedupeIndex: message UUID -> store row ids, in memory, for duplicate detection (the caller
// confirms the author too) and for finding a message's trace by its id.
// Why not a UNIQUE index (or any index on uuid) in SQLite: message UUIDs are random, so every
// insert dirtied one B-tree page at a random position — a whole 4 KiB page of synchronously written
// WAL per 1 KiB message, more than half of the store's write volume. Here a 64-bit hash of the key
// maps to candidate row ids (16 bytes per message, open addressing); the caller confirms a
// candidate against the stored row, so a hash collision can never drop a message. The key is
// the UUID alone, case folded: the same UUID from two authors shares a chain, told apart by
// the confirmation.
// Rebuilt from the store at start. Not thread-safe: the store's writer thread owns it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ozgbus::broker {

class DedupeIndex {
 public:
  static std::uint64_t hashOf(std::string_view uuid);

  void insert(std::uint64_t hash, std::uint64_t id);
  void erase(std::uint64_t hash, std::uint64_t id);

  // Calls confirm(id) for each row id stored under hash until it returns true; returns that id
  // or 0 when none confirms.
  template <typename Confirm>
  std::uint64_t find(std::uint64_t hash, Confirm&& confirm) const {
    if (slots_.empty()) return 0;
    hash = normalized(hash);
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return 0;
      if (s.hash == hash && s.id != 0 && confirm(s.id)) return s.id;
    }
  }

  // Every row id stored under hash (candidates: the caller confirms them).
  std::vector<std::uint64_t> candidates(std::uint64_t hash) const {
    std::vector<std::uint64_t> out;
    find(hash, [&out](std::uint64_t id) {
      out.push_back(id);
      return false;
    });
    return out;
  }

  std::size_t size() const { return used_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;  // 0: never used
    std::uint64_t id = 0;    // 0: erased (the slot still continues probe chains)
  };
  static std::uint64_t normalized(std::uint64_t h) { return h == 0 ? 1 : h; }
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t used_ = 0;      // live entries
  std::size_t occupied_ = 0;  // live + erased slots
};

}  // namespace ozgbus::broker
