#include "broker/store/dedupe_index.h"

#include <cctype>
#include <functional>
#include <string>

namespace ozgbus::broker {

std::uint64_t DedupeIndex::hashOf(std::string_view uuid) {
  std::string key(uuid);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::hash<std::string>{}(key);
}

void DedupeIndex::insert(std::uint64_t hash, std::uint64_t id) {
  if ((occupied_ + 1) * 4 > slots_.size() * 3) grow();
  hash = normalized(hash);
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.hash == 0) {
      s = Slot{hash, id};
      ++used_;
      ++occupied_;
      return;
    }
  }
}

void DedupeIndex::erase(std::uint64_t hash, std::uint64_t id) {
  if (slots_.empty()) return;
  hash = normalized(hash);
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.hash == 0) return;
    if (s.hash == hash && s.id == id) {
      s.id = 0;
      --used_;
      return;
    }
  }
}

void DedupeIndex::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  const std::size_t capacity =
      old.empty() ? 1024 : (used_ * 4 > old.size() ? old.size() * 2 : old.size());
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  used_ = occupied_ = 0;
  for (const Slot& s : old) {
    if (s.hash != 0 && s.id != 0) insert(s.hash, s.id);
  }
}

}  // namespace ozgbus::broker
