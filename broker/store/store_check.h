// What every engine's full check (StoreReader::check, ozgbus-broker --check) does alike: each
// stored document read back through the reader, which checks it against its digest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker/store/store.h"

namespace ozgbus::broker {

inline void checkDocuments(StoreReader& reader, const std::vector<std::int64_t>& ids,
                           StoreCheck& out) {
  for (const std::int64_t id : ids) {
    auto m = reader.loadMessage(static_cast<std::uint64_t>(id));
    ++out.messages;
    if (!m) {
      out.problems.push_back("message id " + std::to_string(id) + ": " + m.rejection().detail);
    } else if (!*m) {
      out.problems.push_back("message id " + std::to_string(id) +
                             ": a document without its message row");
    } else if (!(*m)->message.damage.empty()) {
      out.problems.push_back("message id " + std::to_string(id) + " (" + (*m)->message.uuid +
                             "): " + (*m)->message.damage);
    }
  }
}

}  // namespace ozgbus::broker
