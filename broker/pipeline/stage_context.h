// What a stage factory may build a stage from: the runtime's parts (read-only snapshots, shared
// by every worker), where persisted messages go, the clock; and where the stage stands in
// [pipeline] stages, so that it can check the order it needs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "core/util/clock.h"

namespace ozgbus::broker {

class Runtime;
class CommitQueue;

struct StageContext {
  const Runtime& runtime;
  CommitQueue& commits;  // the persist stage hands messages to the group commit here
  const util::Clock& clock;
};

struct StagePlacement {
  const std::vector<std::string>& names;  // the whole list, in order
  std::size_t index;                      // this stage's place in it

  bool has(const std::string& stage) const {
    return std::find(names.begin(), names.end(), stage) != names.end();
  }
  // The stage named comes after this one (anywhere).
  bool after(const std::string& stage) const {
    const auto at = std::find(names.begin(), names.end(), stage);
    return at != names.end() && static_cast<std::size_t>(at - names.begin()) > index;
  }
  bool before(const std::string& stage) const {
    const auto at = std::find(names.begin(), names.end(), stage);
    return at != names.end() && static_cast<std::size_t>(at - names.begin()) < index;
  }
};

}  // namespace ozgbus::broker
