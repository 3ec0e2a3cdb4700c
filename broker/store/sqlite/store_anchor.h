// StoreAnchor: the audit chain's tip (seq and hash of the last entry) kept in a small file beside
// the store (<store>.anchor), written after commits: when the store comes back with fewer or
// other entries than the anchor names (a truncated write-ahead log, an older copy restored),
// the loss is seen at start instead of going unnoticed. The file is replaced atomically
// (temporary file, fsync, rename, fsync of the folder). Not thread-safe: one writer.
#pragma once

#include <filesystem>
#include <optional>

#include "broker/audit/audit_chain.h"
#include "core/result.h"

namespace ozgbus::broker {

class StoreAnchor {
 public:
  StoreAnchor(std::filesystem::path file, bool fsync) : file_(std::move(file)), fsync_(fsync) {}

  // The tip last written; empty when there is no anchor file yet (a new or older store). A
  // rejection when the file exists but cannot be read as an anchor.
  Result<std::optional<AuditTip>> read() const;
  // Replaces the file's content; false when it could not be written (the reason is logged once
  // until a write succeeds again).
  bool write(const AuditTip& tip) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  bool fsync_;
  mutable bool failing_ = false;
};

}  // namespace ozgbus::broker
